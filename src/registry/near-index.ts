/**
 * Near-duplicate matching of 64-bit fingerprints by multi-index hashing (Norouzi et al. 2012).
 * A hash is split into four 16-bit bands. If two hashes differ in at most 4·(r+1)−1 bits, at
 * least one band differs in at most r bits (pigeonhole), so probing every band value within r
 * bits of the query's finds every match; Hamming distance is then checked on the candidates.
 * r = 2 gives 137 probes per band and guarantees recall up to 11 bits. The posting lists live in
 * memory (band-index.ts), rebuilt from SQLite (fingerprint-index.ts).
 */
import type { Hash64 } from './fingerprint.js';

export const BANDS = 4;
export const PROBE_RADIUS = 2;
export const MAX_GUARANTEED_DISTANCE = BANDS * (PROBE_RADIUS + 1) - 1;

/** Image match threshold (of 64 bits), from test/registry-fingerprint.test.ts: crops ≤ 8 % per side stay ≤ 10, unrelated photos ≥ 18. */
export const IMAGE_MATCH_DISTANCE = 10;
/** Text match threshold: a few changed words move a 3-shingle SimHash by a few bits; unrelated texts sit near 32. */
export const TEXT_MATCH_DISTANCE = 8;

/** Every 16-bit XOR mask of at most PROBE_RADIUS bits (0 first): band ^ mask enumerates the probes. */
export const PROBE_MASKS: Uint16Array = (() => {
  const masks = [0];
  for (let a = 0; a < 16; a++) {
    masks.push(1 << a);
    if (PROBE_RADIUS >= 2) for (let b = a + 1; b < 16; b++) masks.push((1 << a) | (1 << b));
  }
  return Uint16Array.from(masks);
})();

/** The four 16-bit bands, b0 = the high bits (as stored in the fingerprints table). */
export function bandsOf(hash: Hash64): number[] {
  return [0, 1, 2, 3].map((i) => parseInt(hash.slice(i * 4, i * 4 + 4), 16));
}

/** For each band, every 16-bit value within PROBE_RADIUS bits of some query hash's band. */
export function probesFor(hashes: Hash64[]): number[][] {
  const perBand = [0, 1, 2, 3].map(() => new Set<number>());
  for (const h of hashes) for (const [i, band] of bandsOf(h).entries()) for (const m of PROBE_MASKS) perBand[i].add(band ^ m);
  return perBand.map((s) => [...s]);
}

/** Query hashes as 32-bit halves [hi0, lo0, hi1, lo1, …], parsed once per lookup. */
export function splitHashes(queries: Hash64[]): Uint32Array {
  const out = new Uint32Array(queries.length * 2);
  queries.forEach((q, i) => {
    out[2 * i] = parseInt(q.slice(0, 8), 16);
    out[2 * i + 1] = parseInt(q.slice(8), 16);
  });
  return out;
}
