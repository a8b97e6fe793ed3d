/**
 * The ISCC MinHash: 64 universal hashes (a·f + b) mod 2^64 mod (2^61 − 1), low 32 bits, each
 * minimised over the features; the digest keeps the lowest `lsb` bits of every minimum, bit
 * plane by bit plane (so a 64-bit code is the prefix of the 256-bit one).
 *
 * Plain-number arithmetic instead of BigInt (a megabyte of text is ~10⁶ features × 64):
 * 64-bit values as two 32-bit halves, a 32×32-bit product from 16-bit pieces.
 */
import { MINHASH_A, MINHASH_B } from './minhash-params.js';

const TWO32 = 2 ** 32;
const HASHES = 64;

/** Low 32 bits of ((a·f + b) mod 2^64) mod (2^61 − 1), a and b from the table, f a 32-bit feature. */
export function permute(k: number, f: number): number {
  const ah = MINHASH_A[2 * k];
  const al = MINHASH_A[2 * k + 1];
  // al·f as hi:lo (exact: every partial product is below 2^33).
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const f0 = f & 0xffff;
  const f1 = f >>> 16;
  const mid = a0 * f1 + a1 * f0;
  const low = a0 * f0 + (mid % 65536) * 65536;
  const lo = low % TWO32;
  let hi = a1 * f1 + Math.floor(mid / 65536) + Math.floor(low / TWO32);
  // + ah·f (only its low 32 bits reach the 64-bit result) + b.
  const sumLo = lo + MINHASH_B[2 * k + 1];
  hi = (hi + Math.imul(ah, f) + MINHASH_B[2 * k] + (sumLo >= TWO32 ? 1 : 0)) >>> 0;
  const xLo = sumLo % TWO32;
  // x = top·2^61 + rest, and 2^61 ≡ 1 (mod 2^61 − 1): x ≡ rest + top.
  const top = hi >>> 29;
  const restHi = hi & 0x1fffffff;
  const s = xLo + top;
  // rest + top ≥ 2^61 − 1 only when restHi is all ones and the low word overflows: then subtract the prime.
  const wraps = restHi === 0x1fffffff && s >= TWO32 - 1;
  return (wraps ? s + 1 : s) % TWO32;
}

/** The 64 minima over the (distinct) features. */
export function minhash(features: Iterable<number>): Uint32Array {
  const mins = new Float64Array(HASHES).fill(Number.POSITIVE_INFINITY);
  for (const f of features) {
    for (let k = 0; k < HASHES; k++) {
      const v = permute(k, f);
      if (v < mins[k]) mins[k] = v;
    }
  }
  return Uint32Array.from(mins, (m) => (m === Number.POSITIVE_INFINITY ? 0xffffffff : m));
}

/** The lowest `lsb` bits of each minimum, bit plane 0 first, most significant bit first in each byte. */
export function compressMinhash(mins: Uint32Array, lsb = 4): Uint8Array {
  const out = new Uint8Array((mins.length * lsb + 7) >> 3);
  let bit = 0;
  for (let plane = 0; plane < lsb; plane++) {
    for (const m of mins) {
      if ((m >>> plane) & 1) out[bit >> 3] |= 0x80 >> (bit & 7);
      bit++;
    }
  }
  return out;
}

/** 256-bit MinHash digest of 32-bit features. */
export function minhash256(features: Iterable<number>): Uint8Array {
  return compressMinhash(minhash(features), 4);
}
