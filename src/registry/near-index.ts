/**
 * Fast near-duplicate lookup for 64-bit fingerprints (multi-index hashing, Norouzi et al. 2012).
 * A hash is split into four 16-bit bands, each in an indexed column. If two hashes differ in at
 * most 4·(r+1)−1 bits, at least one band differs in at most r bits (pigeonhole), so probing
 * every band value within r bits of the query's finds every match; Hamming distance is then
 * checked on the candidates. r = 2 gives 137 probes per band and guarantees recall up to 11 bits.
 */
import { popcount32, type Hash64 } from './fingerprint.js';

export const BANDS = 4;
export const PROBE_RADIUS = 2;
export const MAX_GUARANTEED_DISTANCE = BANDS * (PROBE_RADIUS + 1) - 1;

/** Image match threshold (of 64 bits), from test/registry-fingerprint.test.ts: crops ≤ 8 % per side stay ≤ 10, unrelated photos ≥ 18. */
export const IMAGE_MATCH_DISTANCE = 10;
/** Text match threshold: a few changed words move a 3-shingle SimHash by a few bits; unrelated texts sit near 32. */
export const TEXT_MATCH_DISTANCE = 8;

export function bandsOf(hash: Hash64): number[] {
  return [0, 1, 2, 3].map((i) => parseInt(hash.slice(i * 4, i * 4 + 4), 16));
}

/** For each band, every 16-bit value within PROBE_RADIUS bits of some query hash's band. */
export function probesFor(hashes: Hash64[]): number[][] {
  const perBand = [0, 1, 2, 3].map(() => new Set<number>());
  for (const h of hashes) {
    bandsOf(h).forEach((band, i) => {
      const set = perBand[i];
      set.add(band);
      for (let a = 0; a < 16; a++) {
        const one = band ^ (1 << a);
        set.add(one);
        if (PROBE_RADIUS >= 2) for (let b = a + 1; b < 16; b++) set.add(one ^ (1 << b));
      }
    });
  }
  return perBand.map((s) => [...s]);
}

/** Query hashes as 32-bit halves, parsed once per lookup rather than once per candidate. */
export function splitHashes(queries: Hash64[]): Uint32Array {
  const out = new Uint32Array(queries.length * 2);
  queries.forEach((q, i) => {
    out[2 * i] = parseInt(q.slice(0, 8), 16);
    out[2 * i + 1] = parseInt(q.slice(8), 16);
  });
  return out;
}

/** The smallest distance from a candidate to any of the (split) query hashes. */
export function nearestDistance(candidate: Hash64, queries: Uint32Array): number {
  const hi = parseInt(candidate.slice(0, 8), 16);
  const lo = parseInt(candidate.slice(8), 16);
  let best = 64;
  for (let i = 0; i < queries.length; i += 2) best = Math.min(best, popcount32((hi ^ queries[i]) >>> 0) + popcount32((lo ^ queries[i + 1]) >>> 0));
  return best;
}
