/**
 * ISCC Content-Code Image, v0 (ISO 24138): a 2-D DCT of 32×32 normalised grey pixels; the
 * 8×8 block of lowest frequencies (DC included) thresholded at its median gives 64 bits, and
 * longer codes add the blocks shifted by one column, one row, and both. The DCT is the
 * unscaled recursive DCT-II (Byeong Gi Lee's factorisation), in the same order of floating-point
 * operations as the reference, so that values at the median compare the same way.
 */
import { ContentType, encodeUnit, MainType } from './codec.js';

export const IMAGE_SIDE = 32;

/** Unscaled DCT-II of a vector whose length is a power of two. */
export function dct(v: readonly number[] | Float64Array): number[] {
  const n = v.length;
  if (n === 0 || (n & (n - 1)) !== 0) throw new RangeError('the DCT takes a power-of-two length');
  const out = new Float64Array(n);
  lee(Float64Array.from(v), 0, n, out, 0, scratchFor(n));
  return Array.from(out);
}

/**
 * The divisors 2·cos((i + ½)π / n) of each length, and a scratch array per length (2n: the
 * halves' sums and differences, then their transforms). Preallocated, so that the 64 transforms
 * of an Image-Code allocate nothing: the arrays of the plain recursion cost ~0.8 ms a code.
 */
const DIVISORS = new Map<number, Float64Array>();
function divisors(n: number): Float64Array {
  let d = DIVISORS.get(n);
  if (!d) {
    d = Float64Array.from({ length: n / 2 }, (_, i) => Math.cos(((i + 0.5) * Math.PI) / n) * 2.0);
    DIVISORS.set(n, d);
  }
  return d;
}

function scratchFor(n: number): Map<number, Float64Array> {
  const m = new Map<number, Float64Array>();
  for (let k = n; k > 1; k >>= 1) m.set(k, new Float64Array(2 * k));
  return m;
}

/** Lee's recursion from v[vo .. vo+n) into out[oo .. oo+n): the same operations, in the same order, as the reference. */
function lee(v: Float64Array, vo: number, n: number, out: Float64Array, oo: number, scratch: Map<number, Float64Array>): void {
  if (n === 1) {
    out[oo] = v[vo];
    return;
  }
  const half = n / 2;
  const w = scratch.get(n) as Float64Array;
  const div = divisors(n);
  for (let i = 0; i < half; i++) {
    const x = v[vo + i];
    const y = v[vo + n - 1 - i];
    w[i] = x + y;
    w[half + i] = (x - y) / div[i];
  }
  // The halves' transforms into w[n ..): the children use the next length's scratch, not w.
  lee(w, 0, half, w, n, scratch);
  lee(w, half, half, w, n + half, scratch);
  for (let i = 0; i < half - 1; i++) {
    out[oo + 2 * i] = w[n + i];
    out[oo + 2 * i + 1] = w[n + half + i] + w[n + half + i + 1];
  }
  out[oo + n - 2] = w[n + half - 1];
  out[oo + n - 1] = w[n + n - 1];
}

/** The 8×8 blocks read in turn: (column, row) offsets into the DCT matrix. */
const BLOCKS: readonly [number, number][] = [
  [0, 0],
  [1, 0],
  [0, 1],
  [1, 1],
];

/** Similarity digest of 1024 grey values (row by row); `bits` ≤ 256, a multiple of 64 is what it makes. */
export function softHashImage(pixels: ArrayLike<number>, bits = 64): Uint8Array {
  if (pixels.length !== IMAGE_SIDE * IMAGE_SIDE) throw new RangeError(`an Image-Code takes ${IMAGE_SIDE * IMAGE_SIDE} pixels, not ${pixels.length}`);
  if (bits > 256) throw new RangeError('an Image-Code has at most 256 bits');
  const S = IMAGE_SIDE;
  const scratch = scratchFor(S);
  const line = new Float64Array(S);
  // rows[y·S + u]: row y transformed; cols[x·S + y]: column x of those, transformed (row y, column x of the 2-D DCT).
  const rows = new Float64Array(S * S);
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) line[x] = pixels[y * S + x];
    lee(line, 0, S, rows, y * S, scratch);
  }
  const cols = new Float64Array(S * S);
  for (let x = 0; x < S; x++) {
    for (let y = 0; y < S; y++) line[y] = rows[y * S + x];
    lee(line, 0, S, cols, x * S, scratch);
  }
  const out: number[] = [];
  for (const [bx, by] of BLOCKS) {
    const block: number[] = [];
    for (let y = by; y < by + 8; y++) for (let x = bx; x < bx + 8; x++) block.push(cols[x * S + y]);
    const sorted = [...block].sort((p, q) => p - q);
    const median = (sorted[31] + sorted[32]) / 2;
    for (const value of block) out.push(value > median ? 1 : 0);
    if (out.length >= bits) break;
  }
  return Uint8Array.from({ length: out.length / 8 }, (_, i) => out.slice(i * 8, i * 8 + 8).reduce((acc, b) => (acc << 1) | b, 0));
}

/** "ISCC:EE…" from 32×32 normalised grey pixels (see normaliseImage in media/ for how they are made). */
export function imageCode(pixels: ArrayLike<number>, bits = 64): string {
  return encodeUnit(MainType.CONTENT, ContentType.IMAGE, 0, bits, softHashImage(pixels, bits));
}
