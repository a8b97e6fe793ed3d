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
  if (n === 1) return [v[0]];
  if (n === 0 || n % 2 !== 0) throw new RangeError('the DCT takes a power-of-two length');
  const half = n / 2;
  const alpha: number[] = new Array(half);
  const beta: number[] = new Array(half);
  for (let i = 0; i < half; i++) {
    alpha[i] = v[i] + v[n - 1 - i];
    beta[i] = (v[i] - v[n - 1 - i]) / (Math.cos(((i + 0.5) * Math.PI) / n) * 2.0);
  }
  const a = dct(alpha);
  const b = dct(beta);
  const out: number[] = [];
  for (let i = 0; i < half - 1; i++) out.push(a[i], b[i] + b[i + 1]);
  out.push(a[half - 1], b[half - 1]);
  return out;
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
  const rows: number[][] = [];
  for (let y = 0; y < IMAGE_SIDE; y++) rows.push(dct(Array.from({ length: IMAGE_SIDE }, (_, x) => pixels[y * IMAGE_SIDE + x])));
  // Columns of the row transforms, transformed: cols[x][y] is the coefficient at row y, column x.
  const cols: number[][] = [];
  for (let x = 0; x < IMAGE_SIDE; x++) cols.push(dct(rows.map((r) => r[x])));
  const out: number[] = [];
  for (const [bx, by] of BLOCKS) {
    const block: number[] = [];
    for (let y = by; y < by + 8; y++) for (let x = bx; x < bx + 8; x++) block.push(cols[x][y]);
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
