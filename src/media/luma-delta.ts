/**
 * The invisible watermark's change to full-size pixels: a signed layer at the working size (in
 * 1/16 grey level), scaled up and added to every colour channel alike, so only the luminance
 * moves, never the hue. Pure arithmetic on bytes: sharp.ts gives
 * it the decoded pixels, or takes its two one-channel layers for libvips' composite.
 *
 * Speed is the point (issue 13): the rows are added sixteen bytes at a time (simd-bytes.ts),
 * where a byte-by-byte loop over a 12 MP picture costs over 100 ms.
 */
import { simdRowAdder } from './simd-bytes.js';

/** The layer's unit: 16 steps per grey level. */
export const DELTA_STEPS = 16;

export interface DeltaLayer {
  /** Signed change per working pixel, in 1/DELTA_STEPS grey level. */
  data: Int16Array;
  width: number;
  height: number;
}

/** Thresholds of a 4 × 4 ordered dither, in 1/DELTA_STEPS level. */
const BAYER = Int32Array.of(0, 8, 2, 10, 12, 4, 14, 6, 3, 11, 1, 9, 15, 7, 13, 5);

/**
 * The change along the full-size rows, split in a raise and a lowering (bytes, ≥ 0). Each
 * working pixel covers a block of full pixels (nearest neighbour): the change is a level or two,
 * so its block edges cannot be seen, and the detector reads the picture at the working size.
 */
class DeltaRows {
  /** The working column of each full column. */
  private readonly col: Int32Array;
  /** The working row's raise and lowering in whole levels. */
  private readonly upW: Uint8Array;
  private readonly downW: Uint8Array;

  constructor(
    private readonly layer: DeltaLayer,
    W: number,
    private readonly H: number,
  ) {
    const lw = layer.width;
    this.col = Int32Array.from({ length: W }, (_, x) => Math.min(lw - 1, Math.floor(((x + 0.5) * lw) / W)));
    this.upW = new Uint8Array(lw);
    this.downW = new Uint8Array(lw);
  }

  /** The working row full row y takes its change from. */
  rowOf(y: number): number {
    return Math.min(this.layer.height - 1, Math.floor(((y + 0.5) * this.layer.height) / this.H));
  }

  /** Working row r's change along a full row, into `up` and `down` at every `step`-th byte, over 1 or 3 colour bytes a pixel. */
  spread(r: number, up: Uint8Array, down: Uint8Array, step: number, colours: number): void {
    const { data, width: lw } = this.layer;
    const { upW, downW } = this;
    // To whole levels with an ordered dither (4 × 4 Bayer thresholds over the working pixels): a
    // change of 0.7 level moves 11 pixels in 16 by one level, as smooth to the eye as it can be.
    const dither = BAYER.subarray((r & 3) * 4, (r & 3) * 4 + 4);
    for (let x = 0, o = r * lw; x < lw; x++) {
      const d = (data[o + x] + dither[x & 3]) >> 4; // floor: DELTA_STEPS = 2⁴
      upW[x] = Math.max(d, 0);
      downW[x] = d < 0 ? -d : 0;
    }
    spreadRow(this.col, upW, downW, up, down, step, colours === 3);
  }
}

/** One row of the change (plain functions of typed arrays: V8 compiles them to tight loops). */
function spreadRow(col: Int32Array, upW: Uint8Array, downW: Uint8Array, up: Uint8Array, down: Uint8Array, step: number, rgb: boolean): void {
  const W = col.length;
  let x = 0;
  if (rgb && step === 3 && up.byteOffset % 4 === 0 && down.byteOffset % 4 === 0) {
    x = W & ~3;
    spreadRgbWords(col, upW, downW, new Int32Array(up.buffer, up.byteOffset, (3 * x) / 4), new Int32Array(down.buffer, down.byteOffset, (3 * x) / 4));
  }
  for (let k = x * step; x < W; x++, k += step) {
    const c = col[x];
    const p = upW[c];
    const q = downW[c];
    up[k] = p;
    down[k] = q;
    if (rgb) {
      up[k + 1] = p;
      up[k + 2] = p;
      down[k + 1] = q;
      down[k + 2] = q;
    }
  }
}

/** Four RGB pixels (12 bytes a a a b b b c c c d d d) as three little-endian words: a third of the stores of a byte loop. */
function spreadRgbWords(col: Int32Array, upW: Uint8Array, downW: Uint8Array, up: Int32Array, down: Int32Array): void {
  for (let w = 0, x = 0; w < up.length; w += 3, x += 4) {
    const c0 = col[x];
    const c1 = col[x + 1];
    const c2 = col[x + 2];
    const c3 = col[x + 3];
    let a = upW[c0];
    let b = upW[c1];
    let c = upW[c2];
    let d = upW[c3];
    up[w] = a | (a << 8) | (a << 16) | (b << 24);
    up[w + 1] = b | (b << 8) | (c << 16) | (c << 24);
    up[w + 2] = c | (d << 8) | (d << 16) | (d << 24);
    a = downW[c0];
    b = downW[c1];
    c = downW[c2];
    d = downW[c3];
    down[w] = a | (a << 8) | (a << 16) | (b << 24);
    down[w + 1] = b | (b << 8) | (c << 16) | (c << 24);
    down[w + 2] = c | (d << 8) | (d << 16) | (d << 24);
  }
}

/** The change as two one-channel full-size layers (raise, lower): for libvips' "add" and "difference" blends. */
export function deltaPlanes(layer: DeltaLayer, W: number, H: number): { raise: Buffer; lower: Buffer } {
  const rows = new DeltaRows(layer, W, H);
  const raise = Buffer.allocUnsafe(W * H);
  const lower = Buffer.allocUnsafe(W * H);
  const up = new Uint8Array(W);
  const down = new Uint8Array(W);
  let laid = -1;
  for (let y = 0; y < H; y++) {
    const r = rows.rowOf(y);
    if (r !== laid) rows.spread((laid = r), up, down, 1, 1);
    raise.set(up, y * W);
    lower.set(down, y * W);
  }
  return { raise, lower };
}

/** Adds the layer, scaled to W × H, to every colour channel of 8-bit pixels in place (alpha, a 4th channel, untouched). */
export function addLumaDelta(dst: Uint8Array, info: { width: number; height: number; channels: number }, layer: DeltaLayer): void {
  const { width: W, height: H, channels: ch } = info;
  const rows = new DeltaRows(layer, W, H);
  const n = W * ch;
  // Full rows that share a working row share its change: they are added as one block.
  const perRow = Math.ceil(H / layer.height);
  const adder = simdRowAdder(n, perRow);
  const px = new Uint8Array(dst.buffer, dst.byteOffset, dst.length);
  const up = new Uint8Array(n);
  const down = new Uint8Array(n);
  for (let y = 0; y < H; ) {
    const r = rows.rowOf(y);
    let end = y + 1;
    while (end < H && end - y < perRow && rows.rowOf(end) === r) end++;
    rows.spread(r, up, down, ch, ch >= 3 ? 3 : 1);
    const block = px.subarray(y * n, end * n);
    if (adder) {
      adder.change(up, down);
      adder.apply(block);
    } else for (let j = 0; j < block.length; j++) block[j] = clampByte(block[j] + up[j % n] - down[j % n]);
    y = end;
  }
}

function clampByte(v: number): number {
  return Math.max(0, Math.min(255, v));
}
