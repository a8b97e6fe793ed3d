/**
 * The near-copy lookup in SQL (src/registry/pg-near.ts) finds exactly what a linear scan finds:
 * the closest stored hash within the threshold, newest on ties, for planted copies at every
 * distance up to the threshold and beyond it, at the ISCC/pHash (10), text (8) and widest (11) thresholds.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { popcount32 } from '../src/registry/fingerprint.js';
import { bandRadii, nearestInSql } from '../src/registry/pg-near.js';
import { openPgRegistry, type PgRegistry } from '../src/registry/pg-registry.js';
import { postgresMissing, startPostgres, type TestPostgres } from './helpers/postgres.js';
import { mulberry32 } from './helpers/rng.js';

let cluster: TestPostgres | undefined;
let registry: PgRegistry;
const stored: string[] = [];
const random = mulberry32(1912);
const hex32 = () =>
  Math.floor(random() * 2 ** 32)
    .toString(16)
    .padStart(8, '0');
const randomHex = () => hex32() + hex32();
const flip = (hex: string, bits: number) => {
  let v = BigInt(`0x${hex}`);
  const seen = new Set<number>();
  while (seen.size < bits) seen.add(Math.floor(random() * 64));
  for (const b of seen) v ^= 1n << BigInt(b);
  return v.toString(16).padStart(16, '0');
};
const distance = (a: string, b: string) =>
  popcount32((parseInt(a.slice(0, 8), 16) ^ parseInt(b.slice(0, 8), 16)) >>> 0) + popcount32((parseInt(a.slice(8), 16) ^ parseInt(b.slice(8), 16)) >>> 0);

function linear(queries: string[], max: number): { seq: number; distance: number } | undefined {
  let best: { seq: number; distance: number } | undefined;
  stored.forEach((h, i) => {
    const d = Math.min(...queries.map((q) => distance(h, q)));
    if (d <= max && (!best || d < best.distance || (d === best.distance && i + 1 > best.seq))) best = { seq: i + 1, distance: d };
  });
  return best;
}

beforeAll(async () => {
  cluster = await startPostgres();
  if (!cluster) return void console.warn(postgresMissing);
  registry = await openPgRegistry(await cluster.newDatabase('labeller_near'));
  await registry.db.query('ALTER TABLE fingerprints DROP CONSTRAINT fingerprints_record_seq_fkey');
  for (let i = 0; i < 5000; i++) stored.push(randomHex());
  // A few exact twins, so ties between rows are decided (newest first).
  for (let i = 0; i < 50; i++) stored.push(stored[Math.floor(random() * 5000)]);
  const { indexColumns } = await import('../src/registry/pg-near.js');
  const cols = stored.map((h) => indexColumns(h));
  await registry.db.query(
    `INSERT INTO fingerprints (record_seq, kind, hash, h, b0, b1, b2, b3)
     SELECT s, 'image', '', h, b0, b1, b2, b3 FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::int[], $5::int[], $6::int[]) AS u(s, h, b0, b1, b2, b3)`,
    [stored.map((_, i) => i + 1), ...[0, 1, 2, 3, 4].map((k) => cols.map((c) => c[k]))],
  );
});
afterAll(async () => {
  await registry?.close();
  await cluster?.stop();
});

it('probes each band only as far as the pigeonhole needs', () => {
  expect(bandRadii(10)).toEqual([2, 2, 2, 1]);
  expect(bandRadii(11)).toEqual([2, 2, 2, 2]);
  expect(bandRadii(8)).toEqual([2, 2, 1, 0]);
  expect(bandRadii(3)).toEqual([0, 0, 0, 0]);
});

it('finds what a linear scan finds, at every distance and threshold', async ({ skip }) => {
  if (!cluster) return skip(postgresMissing);
  let compared = 0;
  for (const max of [10, 8, 11]) {
    for (let bits = 0; bits <= 13; bits++) {
      for (let k = 0; k < 3; k++) {
        const target = stored[Math.floor(random() * stored.length)];
        const queries = [flip(target, bits), randomHex(), randomHex()];
        const got = await nearestInSql(registry.db, 'fingerprints', 'image', queries, max);
        expect(got, `max ${max}, ${bits} bits`).toEqual(linear(queries, max));
        compared++;
      }
    }
    expect(await nearestInSql(registry.db, 'fingerprints', 'text', [stored[0]], max)).toBeUndefined();
  }
  expect(compared).toBe(126);
});
