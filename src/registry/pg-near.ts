/**
 * Near-copy lookups in PostgreSQL: the multi-index hashing of near-index.ts (four 16-bit bands,
 * probes within a radius of each) as SQL over covering B-tree indexes, the Hamming distance
 * counted by the server on the BIGINT hash. Probed radius by radius: after radius r every row
 * within Σ(min(r, t_i) + 1) − 1 bits has been seen, so a close copy is answered without the
 * wider (and costlier) probes; a file that matches nothing costs every stage.
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

/**
 * Per band, the probe radius the final stage needs: by the generalised pigeonhole principle a
 * row within d bits has some band i within t_i bits as soon as Σ(t_i + 1) > d, so at 10 bits
 * one band can be probed at radius 1 instead of 2 (fewer candidates than 2,2,2,2).
 */
export function bandRadii(maxDistance: number): number[] {
  const t = [PROBE_RADIUS, PROBE_RADIUS, PROBE_RADIUS, PROBE_RADIUS];
  for (let b = 3; b >= 0; b--) while (t[b] > 0 && t.reduce((s, x) => s + x + 1, 0) - 1 > maxDistance) t[b]--;
  return t;
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
  const radii = bandRadii(maxDistance);
  // The distance to the nearest query hash, counted by the server on the covering index's h.
  const distance = `LEAST(${hashes.map((_, i) => `bit_count(int8send(h # $${i + 6}::bigint))`).join(', ')})`;
  let best: { seq: number; distance: number } | undefined;
  for (let r = 0; r <= Math.max(...radii); r++) {
    // This stage's new probes: band values exactly r bits from a query's band, where the band is probed that far.
    const probes = [0, 1, 2, 3].map((b) => (r > radii[b] ? [] : [...new Set(bands.flatMap((bs) => MASKS_BY_RADIUS[r].map((m) => bs[b] ^ m)))]));
    // One index-only scan per band (UNION ALL, not OR: no bitmap, no heap visit).
    const [row] = await db.query<{ seq: number; d: number }>(
      `SELECT record_seq AS seq, ${distance}::int AS d FROM (
         SELECT h, record_seq FROM ${table} WHERE kind = $1 AND b0 = ANY($2::int[])
         UNION ALL SELECT h, record_seq FROM ${table} WHERE kind = $1 AND b1 = ANY($3::int[])
         UNION ALL SELECT h, record_seq FROM ${table} WHERE kind = $1 AND b2 = ANY($4::int[])
         UNION ALL SELECT h, record_seq FROM ${table} WHERE kind = $1 AND b3 = ANY($5::int[])) AS c
        WHERE ${distance} <= ${Math.trunc(maxDistance)}
        ORDER BY d, seq DESC LIMIT 1`,
      [kind, ...probes, ...hashes],
    );
    if (row && (!best || row.d < best.distance || (row.d === best.distance && row.seq > best.seq))) best = { seq: row.seq, distance: row.d };
    // Every row within this many bits has now been seen.
    const seen = radii.reduce((sum, t) => sum + Math.min(r, t) + 1, 0) - 1;
    if (best && best.distance <= seen) return best;
  }
  return best;
}
