/**
 * Provenance record benchmark: near-duplicate lookup over 1,000,000 synthetic 64-bit
 * fingerprints (goal ≤ 50 ms) and the database cost of one label row (goal ≤ 1 ms).
 * Baseline in the same run: a linear Hamming scan over the same fingerprints in memory.
 * Run: npx tsx bench/registry.bench.ts [fingerprints]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { LabelRecord } from '../src/core/types.js';
import { openDatabase } from '../src/registry/database.js';
import { hamming, imageFingerprints, QUERY_CROPS, type Hash64 } from '../src/registry/fingerprint.js';
import { bandsOf, IMAGE_MATCH_DISTANCE } from '../src/registry/near-index.js';
import { SqliteRegistry } from '../src/registry/sqlite-registry.js';

const N = Number(process.argv[2] ?? 1_000_000);
const LOOKUPS = 40;
let seed = 42;
const rand32 = () => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed >>> 0;
};
const randomHash = (): Hash64 => rand32().toString(16).padStart(8, '0') + rand32().toString(16).padStart(8, '0');
const flip = (h: Hash64, bits: number): Hash64 => {
  let hi = parseInt(h.slice(0, 8), 16);
  let lo = parseInt(h.slice(8), 16);
  const seen = new Set<number>();
  while (seen.size < bits) seen.add(rand32() % 64);
  for (const b of seen) if (b < 32) hi ^= 1 << b; else lo ^= 1 << (b - 32);
  return (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
};
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p95: s[Math.floor(s.length * 0.95)], max: s[s.length - 1] };
};
const ms = (x: number) => x.toFixed(x < 1 ? 3 : 1);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labeller-bench-'));
const db = openDatabase(path.join(dir, 'records.sqlite'));
const registry = new SqliteRegistry(db);

// Setup: N fingerprints in the band index (synthetic rows: the lookup reads only this table).
let t = performance.now();
const hashes: Hash64[] = new Array(N);
db.pragma('foreign_keys = OFF');
const insert = db.prepare("INSERT INTO fingerprints (record_seq, kind, hash, b0, b1, b2, b3) VALUES (?, 'image', ?, ?, ?, ?, ?)");
db.transaction(() => {
  for (let i = 0; i < N; i++) {
    hashes[i] = randomHash();
    insert.run(i + 1, hashes[i], ...bandsOf(hashes[i]));
  }
})();
db.pragma('foreign_keys = ON');
const setupS = (performance.now() - t) / 1000;

// Lookups as traceCopy does them: five query hashes (whole picture + four corner crops).
const hit: number[] = [];
const miss: number[] = [];
let found = 0;
for (let i = 0; i < LOOKUPS; i++) {
  const target = hashes[rand32() % N];
  const queries = [flip(target, 6), ...QUERY_CROPS.slice(1).map(() => randomHash())];
  t = performance.now();
  const best = registry.nearest('image', queries);
  hit.push(performance.now() - t);
  if (best && best.distance <= IMAGE_MATCH_DISTANCE) found++;
  const strangers = QUERY_CROPS.map(() => randomHash());
  t = performance.now();
  registry.nearest('image', strangers);
  miss.push(performance.now() - t);
}

// Baseline: linear scan in memory over the same hashes (one query hash).
const scan: number[] = [];
for (let i = 0; i < 5; i++) {
  const q = randomHash();
  t = performance.now();
  let best = 64;
  for (const h of hashes) best = Math.min(best, hamming(h, q));
  scan.push(performance.now() - t);
}

// Insert cost of one label row (database part: chain head read, hash, row + 3 fingerprint rows).
const record: LabelRecord = {
  kind: 'image', format: 'jpeg', mimeType: 'image/jpeg', inputSha256: 'a'.repeat(64), outputSha256: 'b'.repeat(64), inputBytes: 1, outputBytes: 1,
  width: 1024, height: 683, languages: ['kk', 'ru'], wording: { kk: 'Жасанды интеллект жасаған', ru: 'Создано с помощью ИИ' }, placement: 'corner',
  sourceType: 'trainedAlgorithmicMedia', digitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia',
  manifestLabel: 'urn:c2pa:bench', instanceId: 'xmp:iid:bench', parentManifestKept: false, signer: { organisation: 'Bench', development: true },
  warnings: [], createdAt: new Date().toISOString(), durationMs: 1,
};
const inserts: number[] = [];
for (let i = 0; i < 2000; i++) {
  const fp = { image: [1, 0.9, 0.8].map((keep) => ({ keep, ax: 0.5, ay: 0.5, hash: randomHash() })) };
  t = performance.now();
  registry.insertLabel({ ...record, outputSha256: randomHash().repeat(4) }, { actor: 'bench', door: 'cli' }, fp);
  inserts.push(performance.now() - t);
}

// For scale: the sharp fingerprint of a 1024×683 output (3 hashes), outside the 1 ms goal.
const photo = await sharp({ create: { width: 1024, height: 683, channels: 3, background: '#4a7' } }).composite([{ input: Buffer.from('<svg width="1024" height="683"><circle cx="300" cy="300" r="200" fill="#a24"/></svg>') }]).jpeg().toBuffer();
const fpTimes: number[] = [];
for (let i = 0; i < 10; i++) {
  t = performance.now();
  await imageFingerprints(photo);
  fpTimes.push(performance.now() - t);
}

const h = stats(hit), m = stats(miss), s = stats(scan), ins = stats(inserts), fpt = stats(fpTimes);
console.log(`\nProvenance record benchmark — ${N.toLocaleString('en')} fingerprints, Node ${process.version}, ${os.cpus().length} CPUs (setup ${setupS.toFixed(1)} s)\n`);
console.log('| operation | median ms | p95 ms | max ms | goal |');
console.log('|---|---|---|---|---|');
console.log(`| near lookup, planted copy (6 bits off), 5 query hashes | ${ms(h.median)} | ${ms(h.p95)} | ${ms(h.max)} | ≤ 50 ms |`);
console.log(`| near lookup, no match, 5 query hashes | ${ms(m.median)} | ${ms(m.p95)} | ${ms(m.max)} | ≤ 50 ms |`);
console.log(`| baseline: linear in-memory scan, 1 query hash | ${ms(s.median)} | ${ms(s.p95)} | ${ms(s.max)} | — |`);
console.log(`| insert one label row (row + 3 fingerprints, chained) | ${ms(ins.median)} | ${ms(ins.p95)} | ${ms(ins.max)} | ≤ 1 ms |`);
console.log(`| fingerprint a 1024×683 JPEG with sharp (3 hashes) | ${ms(fpt.median)} | ${ms(fpt.p95)} | ${ms(fpt.max)} | — |`);
console.log(`\nplanted copies found: ${found}/${LOOKUPS}`);
await registry.close();
fs.rmSync(dir, { recursive: true, force: true });
