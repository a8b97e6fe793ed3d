import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LabelRecord } from '../src/core/types.js';
import { BandIndex } from '../src/registry/band-index.js';
import { openDatabase } from '../src/registry/database.js';
import { MIGRATIONS } from '../src/registry/migrations.js';
import { hamming, popcount32, type Hash64 } from '../src/registry/fingerprint.js';
import { bandsOf, IMAGE_MATCH_DISTANCE, MAX_GUARANTEED_DISTANCE, splitHashes } from '../src/registry/near-index.js';
import { pruneExpired, SqliteRegistry } from '../src/registry/index.js';
import { tempDir } from './helpers/context.js';

/** mulberry32: seeded, and not linear over GF(2), so hashes' halves are independent. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let z = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    z = (z + Math.imul(z ^ (z >>> 7), 61 | z)) ^ z;
    return (z ^ (z >>> 14)) >>> 0;
  };
}
const hex = (hi: number, lo: number): Hash64 => (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');

/** Flips `bits` distinct random bits of a hash. */
function flip(rand: () => number, h: Hash64, bits: number): Hash64 {
  let [hi, lo] = splitHashes([h]);
  const seen = new Set<number>();
  while (seen.size < bits) seen.add(rand() % 64);
  for (const b of seen)
    if (b < 32) hi ^= 1 << b;
    else lo ^= 1 << (b - 32);
  return hex(hi, lo);
}

/** The reference: every stored hash against every query (row i has seq i + 1). */
function bruteForce(stored: Uint32Array, queries: Hash64[], max: number): { seq: number; distance: number } | undefined {
  const q = splitHashes(queries);
  let best: { seq: number; distance: number } | undefined;
  for (let i = 0; i < stored.length / 2; i++) {
    for (let k = 0; k < q.length; k += 2) {
      const d = popcount32(stored[2 * i] ^ q[k]) + popcount32(stored[2 * i + 1] ^ q[k + 1]);
      if (d <= max && (!best || d < best.distance || (d === best.distance && i + 1 > best.seq))) best = { seq: i + 1, distance: d };
    }
  }
  return best;
}

describe('in-memory band index', () => {
  it('finds exactly what a linear scan finds, in the posting lists and in the tail', () => {
    const rand = prng(1);
    const stored: Hash64[] = Array.from({ length: 50_000 }, () => hex(rand(), rand()));
    const split = splitHashes(stored);
    const index = new BandIndex();
    for (const [i, h] of stored.slice(0, 40_000).entries()) index.add(i + 1, ...(splitHashes([h]) as unknown as [number, number]));
    index.build();
    for (const [i, h] of stored.slice(40_000).entries()) index.add(40_001 + i, ...(splitHashes([h]) as unknown as [number, number])); // tail
    for (let trial = 0; trial < 120; trial++) {
      const target = stored[rand() % stored.length];
      const distance = trial % (MAX_GUARANTEED_DISTANCE + 3); // up to 13: beyond the limit must not be returned
      const queries = [flip(rand, target, distance), hex(rand(), rand()), hex(rand(), rand())];
      const got = index.nearest(splitHashes(queries), MAX_GUARANTEED_DISTANCE);
      expect(got, `trial ${trial}`).toEqual(bruteForce(split, queries, MAX_GUARANTEED_DISTANCE));
      expect(hamming(queries[0], target)).toBe(distance);
      if (distance <= MAX_GUARANTEED_DISTANCE) expect(got!.distance).toBeLessThanOrEqual(distance);
    }
  });

  it('prefers the newest of equally near rows, refuses radii it cannot guarantee, and drops a pruned prefix', () => {
    const index = new BandIndex();
    const [hi, lo] = splitHashes(['0123456789abcdef']);
    index.add(1, hi, lo);
    index.add(2, hi, lo);
    index.add(3, hi ^ 0b111, lo);
    expect(index.nearest(splitHashes(['0123456789abcdef']), 10)).toEqual({ seq: 2, distance: 0 });
    expect(() => index.nearest(splitHashes(['0123456789abcdef']), MAX_GUARANTEED_DISTANCE + 1)).toThrow(RangeError);
    index.build();
    index.dropThrough(2);
    expect(index.size).toBe(1);
    expect(index.nearest(splitHashes(['0123456789abcdef']), 10)).toEqual({ seq: 3, distance: 3 });
    expect(index.nearest(splitHashes(['0123456789abcdef']), 2)).toBeUndefined();
  });

  it('popcount of a signed XOR counts all 32 bits', () => {
    expect(popcount32(0xffffffff ^ 0)).toBe(32);
    expect(popcount32(-1 ^ 0x0000ffff)).toBe(16);
  });
});

const record = (n: number): LabelRecord =>
  ({
    kind: 'image',
    format: 'png',
    mimeType: 'image/png',
    inputSha256: 'a'.repeat(64),
    outputSha256: n.toString(16).padStart(64, '0'),
    inputBytes: 1,
    outputBytes: 1,
    languages: ['kk'],
    wording: { kk: 'ЖИ' },
    placement: 'corner',
    sourceType: 'trainedAlgorithmicMedia',
    digitalSourceType: 'x',
    instanceId: 'x',
    parentManifestKept: false,
    signer: { organisation: 'T', development: true },
    warnings: [],
    createdAt: '',
    durationMs: 1,
  }) as unknown as LabelRecord;
const fp = (...hashes: Hash64[]) => ({ image: hashes.map((hash) => ({ keep: 1, ax: 0.5, ay: 0.5, hash })) });
const actor = { actor: 'test', door: 'cli' } as const;

describe('near lookup through the registry', () => {
  it('finds a planted near copy among many random fingerprints (posting lists built from SQLite)', async () => {
    const file = path.join(tempDir('labeller-near-'), 'records.sqlite');
    const rand = prng(2);
    const db = openDatabase(file);
    const hashes = Array.from({ length: 40_000 }, () => hex(rand(), rand()));
    // Bare fingerprint rows (as the benchmark writes them), then a real label on top.
    db.pragma('foreign_keys = OFF');
    const insert = db.prepare("INSERT INTO fingerprints (record_seq, kind, hash, b0, b1, b2, b3) VALUES (?, 'image', ?, ?, ?, ?, ?)");
    db.transaction(() => {
      for (const [i, h] of hashes.entries()) insert.run(-40_000 + i, h, ...bandsOf(h));
    })();
    db.pragma('foreign_keys = ON');
    const reg = new SqliteRegistry(db);
    const target = 12_345;
    const targetSeq = -40_000 + target;
    for (const bits of [0, 6, IMAGE_MATCH_DISTANCE]) {
      const queries = [hex(rand(), rand()), flip(rand, hashes[target], bits), hex(rand(), rand())];
      expect(reg.nearest('image', queries, IMAGE_MATCH_DISTANCE), `${bits} bits`).toEqual({ seq: targetSeq, distance: bits });
    }
    const planted = hex(rand(), rand());
    reg.insertLabel(record(1), actor, fp(hex(rand(), rand()), planted)); // after the load: caught up
    expect(reg.nearest('image', [flip(rand, planted, 9)], IMAGE_MATCH_DISTANCE)).toEqual({ seq: 1, distance: 9 });
    expect(reg.nearest('image', [hex(rand(), rand())], IMAGE_MATCH_DISTANCE)).toBeUndefined();
    expect(reg.nearest('text', [hashes[target]], 8)).toBeUndefined(); // kinds do not mix
    expect(reg.nearIndex.stats().rows).toBe(40_002);
    await reg.close();
  });

  it('stays consistent across two registries on one file: inserts and retention by either are seen by the other', async () => {
    const file = path.join(tempDir('labeller-near2-'), 'records.sqlite');
    let clock = new Date('2024-01-01T12:00:00Z');
    const a = new SqliteRegistry(openDatabase(file), { now: () => clock });
    const b = new SqliteRegistry(openDatabase(file), { now: () => clock });
    const [h1, h2, h3] = ['00000000ffffffff', 'ffffffff00000000', '0f0f0f0f0f0f0f0f'];
    a.insertLabel(record(1), actor, fp(h1));
    expect(b.nearest('image', [h1], 10)).toEqual({ seq: 1, distance: 0 }); // b loads the index
    clock = new Date('2024-03-01T12:00:00Z');
    a.insertLabel(record(2), actor, fp(h2)); // written by a after b loaded
    expect(b.nearest('image', [flip(prng(3), h2, 4)], 10)).toEqual({ seq: 2, distance: 4 });
    b.insertLabel(record(3), actor, fp(h3)); // and the other way round
    expect(a.nearest('image', [h3], 10)).toEqual({ seq: 3, distance: 0 });
    expect(a.nearest('image', [h1], 10)).toEqual({ seq: 1, distance: 0 });
    expect(pruneExpired(a, 20, new Date('2024-03-02T00:00:00Z'))).toEqual({ removed: 1, throughSeq: 1 });
    expect(b.nearest('image', [h1], 10)).toBeUndefined(); // pruned by a: gone from b's index too
    expect(a.nearest('image', [h1], 10)).toBeUndefined();
    expect(b.nearest('image', [h2], 10)).toEqual({ seq: 2, distance: 0 });
    expect(b.nearIndex.stats().rows).toBe(2);
    // A fresh instance rebuilds the same index from SQLite.
    const c = new SqliteRegistry(openDatabase(file));
    expect(c.nearest('image', [h3], 10)).toEqual({ seq: 3, distance: 0 });
    expect(c.nearest('image', [h1], 10)).toBeUndefined();
    await Promise.all([a.close(), b.close(), c.close()]);
  });

  it('leaves the index unchanged when an insert rolls back', async () => {
    const reg = new SqliteRegistry(openDatabase(path.join(tempDir('labeller-near3-'), 'records.sqlite')));
    const h = '123456789abcdef0';
    expect(reg.nearest('image', [h], 10)).toBeUndefined();
    expect(() =>
      reg.db.transaction(() => {
        reg.insertLabel(record(1), actor, fp(h));
        throw new Error('abort');
      })(),
    ).toThrow('abort');
    expect(reg.nearest('image', [h], 10)).toBeUndefined();
    expect(bandsOf(h)).toEqual([0x1234, 0x5678, 0x9abc, 0xdef0]);
    await reg.close();
  });
});

describe('schema v2', () => {
  it('drops the SQL band indexes of a v1 record, whose fingerprints the in-memory index then finds', async () => {
    const file = path.join(tempDir('labeller-v1-'), 'records.sqlite');
    const v1 = new Database(file);
    v1.exec(MIGRATIONS[0]);
    v1.exec('CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (1)');
    v1.close();
    const reg = new SqliteRegistry(openDatabase(file));
    reg.insertLabel(record(1), actor, fp('fedcba9876543210'));
    const indexes = reg.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'fingerprints'").pluck().all();
    expect(indexes).toEqual(['fingerprints_record']);
    expect(reg.nearest('image', ['fedcba9876543211'], IMAGE_MATCH_DISTANCE)).toEqual({ seq: 1, distance: 1 });
    await reg.close();
  });
});
