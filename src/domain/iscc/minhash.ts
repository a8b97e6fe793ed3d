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

/** The table split for the inner loop: al in 16-bit halves, ah, bl, bh. */
const A0 = new Uint32Array(HASHES);
const A1 = new Uint32Array(HASHES);
const AH = new Int32Array(HASHES);
const BL = new Uint32Array(HASHES);
const BH = new Int32Array(HASHES);
for (let k = 0; k < HASHES; k++) {
  A0[k] = MINHASH_A[2 * k + 1] & 0xffff;
  A1[k] = MINHASH_A[2 * k + 1] >>> 16;
  AH[k] = MINHASH_A[2 * k] | 0;
  BL[k] = MINHASH_B[2 * k + 1];
  BH[k] = MINHASH_B[2 * k] | 0;
}

/**
 * The 64 minima over the (distinct) features. permute() inlined, with the 32×32-bit product's
 * words from shifts and masks instead of % and Math.floor: a megabyte of text has ~500,000
 * distinct features, 32 million permutations, ~4× faster so (same values: see the tests).
 */
export function minhash(features: Iterable<number>): Uint32Array {
  const mins = new Uint32Array(HASHES).fill(0xffffffff);
  for (const feature of features) {
    const f = feature >>> 0;
    const f0 = f & 0xffff;
    const f1 = f >>> 16;
    for (let k = 0; k < HASHES; k++) {
      const a0 = A0[k];
      const a1 = A1[k];
      // al·f = hi·2^32 + lo, exact (every partial sum stays below 2^32).
      const t = a0 * f0;
      const m1 = a1 * f0 + (t >>> 16);
      const m2 = a0 * f1 + (m1 & 0xffff);
      const lo = (m2 & 0xffff) * 65536 + (t & 0xffff);
      const sumLo = lo + BL[k];
      const carry = sumLo >= TWO32 ? 1 : 0;
      const hi = (a1 * f1 + (m1 >>> 16) + (m2 >>> 16) + Math.imul(AH[k], f) + BH[k] + carry) >>> 0;
      const s = sumLo - carry * TWO32 + (hi >>> 29);
      let v = (hi & 0x1fffffff) === 0x1fffffff && s >= TWO32 - 1 ? s + 1 : s;
      if (v >= TWO32) v -= TWO32;
      if (v < mins[k]) mins[k] = v;
    }
  }
  return mins;
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
