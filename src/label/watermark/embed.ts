/**
 * The watermark's embedding, on raw luminance: the keyed tile of the payload's coded bits,
 * repeated over the picture at the working size, shaped by how busy the picture is around each
 * pixel (more in texture, less on flat sky and gradients) and given as an "overlay" layer:
 * grey 128 ± a few levels. The caller scales it to the full size and blends it into every
 * colour channel (overlay blend), so the hard binding of the signature covers the result.
 */
import { packPayload, type WatermarkPayload } from '../../domain/watermark.js';
import { encode } from './code.js';
import { layoutOf, TILE, tileOf } from './layout.js';

/** The longer side of the working picture; smaller pictures are marked at their own size. */
export const WORK_LONG_SIDE = 1024;
/** Below this shorter side there are too few tiles to find: no watermark. */
export const MIN_SHORT_SIDE = 256;
/** Overlay levels on flat areas and on busy ones, before the picture's own gain (a level of overlay ≈ a grey level at mid-grey). */
const FLAT_AMP = 1;
const BUSY_AMP = 3;
/** Local activity (mean absolute gradient, grey levels) at which the amplitude reaches BUSY_AMP. */
const BUSY_ACTIVITY = 12;
/**
 * The change aimed at, as an RMS in grey levels (PSNR = 20·log10(255 / RMS) ≈ 45.6 dB): a quiet
 * picture gets a stronger layer up to this, a busy one is held to it. PSNR ≥ 42 dB needs RMS ≤ 2.0.
 */
const TARGET_RMS = 1.3;
/** The gain never exceeds this, nor any pixel's amplitude MAX_AMP. */
const MAX_GAIN = 2.5;
const MAX_AMP = 5;

export interface Grey {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Size of the working picture for a picture of width × height. */
export function workingSize(width: number, height: number): { width: number; height: number } {
  const s = Math.min(1, WORK_LONG_SIDE / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * s)), height: Math.max(1, Math.round(height * s)) };
}

export function canCarry(width: number, height: number): boolean {
  return Math.min(width, height) >= MIN_SHORT_SIDE;
}

/** Side of the square blocks whose busyness (mean absolute gradient) sets the amplitude. */
const BLOCK = 8;

/** Mean absolute gradient (grey levels) of each BLOCK × BLOCK block, row-major over ceil(w / BLOCK) blocks a row. */
function blockActivity(g: Grey): { act: Float32Array; bw: number } {
  const { width: w, height: h, data } = g;
  const bw = Math.ceil(w / BLOCK);
  const bh = Math.ceil(h / BLOCK);
  const sum = new Float32Array(bw * bh);
  const count = new Float32Array(bw * bh);
  for (let y = 0; y < h; y++) {
    const brow = (y >> 3) * bw;
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const v = data[i];
      const b = brow + (x >> 3);
      sum[b] += (x + 1 < w ? Math.abs(data[i + 1] - v) : 0) + (y + 1 < h ? Math.abs(data[i + w] - v) : 0);
      count[b]++;
    }
  }
  for (let b = 0; b < sum.length; b++) sum[b] /= count[b];
  return { act: sum, bw };
}

/**
 * The overlay layer (one byte per working pixel, 128 = no change) carrying `payload` under
 * `key`, for the working-size luminance `grey` of the labelled picture.
 */
export function watermarkOverlay(grey: Grey, key: Buffer, payload: WatermarkPayload): Uint8Array {
  const tile = tileOf(layoutOf(key), encode(packPayload(payload)));
  const { act, bw } = blockActivity(grey);
  const { width: w, height: h, data } = grey;
  const blockAmp = act.map((a) => FLAT_AMP + (BUSY_AMP - FLAT_AMP) * Math.min(1, a / BUSY_ACTIVITY));
  // The overlay blend changes a value v by about 2·a·min(v, 255 − v)/255 levels: the expected change per pixel.
  let energy = 0;
  for (let y = 0; y < h; y++) {
    const brow = (y >> 3) * bw;
    for (let x = 0; x < w; x++) {
      const v = data[y * w + x];
      const change = (blockAmp[brow + (x >> 3)] * 2 * Math.min(v, 255 - v)) / 255;
      energy += change * change;
    }
  }
  const gain = Math.min(MAX_GAIN, TARGET_RMS / Math.sqrt(Math.max(1e-9, energy / (w * h))));
  const levels = blockAmp.map((a) => Math.min(MAX_AMP, gain * a));
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const trow = (y % TILE) * TILE;
    const brow = (y >> 3) * bw;
    for (let x = 0; x < w; x++) out[y * w + x] = 128 + Math.round(levels[brow + (x >> 3)] * tile[trow + (x % TILE)]);
  }
  return out;
}
