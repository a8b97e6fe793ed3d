/**
 * Near-copy lookups in PostgreSQL: the multi-index hashing of near-index.ts (four 16-bit bands,
 * probes within PROBE_RADIUS bits of each) as SQL over B-tree indexes, the Hamming distance
 * counted by the server on the BIGINT hash. Probed radius by radius: after radius r every row
 * within 4·(r+1)−1 bits has been seen, so a copy that close is answered without the wider
 * (and costlier) probes; a file that matches nothing costs all three.
 */
import { popcount32 } from './fingerprint.js';
import { bandsOf, MAX_GUARANTEED_DISTANCE, PROBE_MASKS, PROBE_RADIUS } from './near-index.js';
import type { PgQuery } from './postgres.js';

export type NearTable = 'fingerprints' | 'iscc_codes';

const MASKS_BY_RADIUS: number[][] = Array.from({ length: PROBE_RADIUS + 1 }, (_, r) => [...PROBE_MASKS].filter((m) => popcount32(m) === r));

/** A 64-bit hex hash as the signed BIGINT the tables keep (as text: beyond JavaScript's safe integers). */
export function bigintOf(hex: string): string {
  return BigInt.asIntN(64, BigInt(`0x${hex}`)).toString();
}

/** The band columns and the BIGINT of a hash, in the order the INSERTs take them. */
export function indexColumns(hex: string): [string, number, number, number, number] {
  const [b0, b1, b2, b3] = bandsOf(hex);
  return [bigintOf(hex), b0, b1, b2, b3];
}

/** The closest row within maxDistance of any query hash (newest seq on ties). */
export async function nearestInSql(
  db: PgQuery,
  table: NearTable,
  kind: 'image' | 'text',
  hexes: string[],
  maxDistance: number,
): Promise<{ seq: number; distance: number } | undefined> {
  if (maxDistance > MAX_GUARANTEED_DISTANCE) throw new RangeError(`near lookups are exact only up to ${MAX_GUARANTEED_DISTANCE} bits`);
  if (!hexes.length) return undefined;
  const hashes = hexes.map(bigintOf);
  const bands = hexes.map(bandsOf);
  let best: { seq: number; distance: number } | undefined;
  for (let r = 0; r <= PROBE_RADIUS; r++) {
    const probes = [0, 1, 2, 3].map((b) => [...new Set(bands.flatMap((bs) => MASKS_BY_RADIUS[r].map((m) => bs[b] ^ m)))]);
    const [row] = await db.query<{ seq: number; d: number }>(
      `SELECT c.record_seq AS seq, min(bit_count(int8send(c.h # q.v)))::int AS d
         FROM ${table} c CROSS JOIN unnest($2::bigint[]) AS q(v)
        WHERE c.kind = $1 AND (c.b0 = ANY($3::int[]) OR c.b1 = ANY($4::int[]) OR c.b2 = ANY($5::int[]) OR c.b3 = ANY($6::int[]))
        GROUP BY c.record_seq HAVING min(bit_count(int8send(c.h # q.v))) <= $7
        ORDER BY d, seq DESC LIMIT 1`,
      [kind, hashes, ...probes, maxDistance],
    );
    if (row && (!best || row.d < best.distance || (row.d === best.distance && row.seq > best.seq))) best = { seq: row.seq, distance: row.d };
    if (best && best.distance <= 4 * (r + 1) - 1) return best;
  }
  return best;
}
