/**
 * The record on PostgreSQL at scale: near-copy lookups over N records' worth of index rows
 * (11 ISCC codes and 3 pHash fingerprints per labelled picture, as the record stores them),
 * queried in SQL the way traceCopy does (5 query codes: the whole picture and four corner
 * crops). Goals: a lookup ≤ 50 ms at 1,000,000 records; an instance starts in ≤ 2 s (it loads
 * no index into memory). Rows are made by the server (generate_series), indexes built after.
 * Run: npx tsx bench/pg-lookup.bench.ts [records]   (DATABASE_URL, or a throwaway cluster)
 */
import { IMAGE_MATCH_DISTANCE } from '../src/registry/near-index.js';
import { ISCC_MATCH_DISTANCE } from '../src/registry/iscc-index.js';
import { nearestInSql } from '../src/registry/pg-near.js';
import { openPgRegistry } from '../src/registry/pg-registry.js';
import { startPostgres } from '../test/helpers/postgres.js';

const N = Number(process.argv[2] ?? 1_000_000);
const CODES = 11;
const PRINTS = 3;
const LOOKUPS = 40;

let seed = 7;
const rand32 = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let z = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  z = (z + Math.imul(z ^ (z >>> 7), 61 | z)) ^ z;
  return (z ^ (z >>> 14)) >>> 0;
};
const hex32 = (x: number) => x.toString(16).padStart(8, '0');
const randomHex = () => hex32(rand32()) + hex32(rand32());
const flip = (hex: string, bits: number) => {
  let v = BigInt(`0x${hex}`);
  const seen = new Set<number>();
  while (seen.size < bits) seen.add(rand32() % 64);
  for (const b of seen) v ^= 1n << BigInt(b);
  return v.toString(16).padStart(16, '0');
};
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${s[Math.floor(s.length / 2)].toFixed(1)} ms, p95 ${s[Math.floor(s.length * 0.95)].toFixed(1)} ms, max ${s[s.length - 1].toFixed(1)} ms`;
};

const cluster = await startPostgres();
if (!cluster) throw new Error('no PostgreSQL: set DATABASE_URL or install postgresql');
const url = await cluster.newDatabase('labeller_bench');
try {
  const registry = await openPgRegistry(url);
  const { db } = registry;
  let t = performance.now();
  // Index rows only (the lookup reads nothing else until it has a match): no foreign key, indexes after the load.
  const fill = async (table: 'iscc_codes' | 'fingerprints', col: string, perRecord: number) => {
    await db.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_record_seq_fkey`);
    const indexes = await db.query<{ indexdef: string; indexname: string }>('SELECT indexname, indexdef FROM pg_indexes WHERE tablename = $1', [table]);
    for (const i of indexes) await db.query(`DROP INDEX ${i.indexname}`);
    await db.query(
      `INSERT INTO ${table} (record_seq, kind, ${col}, h, b0, b1, b2, b3)
       SELECT s / ${perRecord} + 1, 'image', '', h, ((h >> 48) & 65535)::int, ((h >> 32) & 65535)::int, ((h >> 16) & 65535)::int, (h & 65535)::int
         FROM (SELECT s, (floor(random() * 4294967296)::bigint << 32) | floor(random() * 4294967296)::bigint AS h
                 FROM generate_series(0, $1::bigint - 1) AS s) AS x`,
      [N * perRecord],
    );
    for (const i of indexes) await db.query(i.indexdef);
    // As autovacuum leaves a settled table: the visibility map lets the band scans skip the heap.
    await db.query(`VACUUM ANALYZE ${table}`);
  };
  await fill('iscc_codes', 'code', CODES);
  await fill('fingerprints', 'hash', PRINTS);
  console.log(
    `setup: ${N.toLocaleString('en')} records → ${(N * CODES).toLocaleString('en')} ISCC rows and ${(N * PRINTS).toLocaleString('en')} pHash rows in ${((performance.now() - t) / 1000).toFixed(0)} s`,
  );

  // An instance's start on this record: open (migrations checked) and the first lookup, no index load.
  await registry.close();
  t = performance.now();
  const fresh = await openPgRegistry(url);
  await nearestInSql(fresh.db, 'iscc_codes', 'image', [randomHex()], ISCC_MATCH_DISTANCE);
  console.log(`instance start (open + first lookup): ${(performance.now() - t).toFixed(0)} ms (goal ≤ 2000)`);

  // Unrelated files (the usual verification): ISCC with 5 codes, then pHash with 5 hashes; every radius probed.
  const misses: number[] = [];
  for (let i = 0; i < LOOKUPS; i++) {
    const codes = Array.from({ length: 5 }, randomHex);
    const start = performance.now();
    const byIscc = await nearestInSql(fresh.db, 'iscc_codes', 'image', codes, ISCC_MATCH_DISTANCE);
    if (!byIscc) await nearestInSql(fresh.db, 'fingerprints', 'image', Array.from({ length: 5 }, randomHex), IMAGE_MATCH_DISTANCE);
    misses.push(performance.now() - start);
  }
  console.log(`lookup of an unrelated file (ISCC then pHash, 5 codes each): ${stats(misses)} (goal ≤ 50)`);

  // Copies of labelled outputs: a stored code with 2, 6 or 10 bits changed, among four unrelated query codes.
  const stored = await fresh.db.query<{ h: string }>('SELECT h::text AS h FROM iscc_codes TABLESAMPLE SYSTEM (1) LIMIT $1', [LOOKUPS]);
  for (const bits of [2, 6, 10]) {
    const times: number[] = [];
    let found = 0;
    for (const { h } of stored) {
      const hex = BigInt.asUintN(64, BigInt(h)).toString(16).padStart(16, '0');
      const codes = [flip(hex, bits), ...Array.from({ length: 4 }, randomHex)];
      const start = performance.now();
      const hit = await nearestInSql(fresh.db, 'iscc_codes', 'image', codes, ISCC_MATCH_DISTANCE);
      times.push(performance.now() - start);
      if (hit && hit.distance <= bits) found++;
    }
    console.log(`lookup of a copy ${bits} bits away: ${stats(times)}; found ${found}/${stored.length}`);
  }
  await fresh.close();
} finally {
  await cluster.stop();
}
