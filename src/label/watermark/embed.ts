/**
 * The watermark's embedding, on raw luminance: the keyed tile of the payload's coded bits,
 * repeated over the picture at the working size, shaped by how busy the picture is around each
 * pixel (more in texture, less on flat sky and gradients) and given as a signed change in
 * grey levels. The caller scales it to the full size and adds it alike to every colour channel
 * (the luminance moves, the hue does not) before the signature, whose hard binding covers it.
 */
import { packPayload, type WatermarkPayload } from '../../domain/watermark.js';
import { encode } from './code.js';
import { layoutOf, TILE, tileOf } from './layout.js';
import { DELTA_STEPS } from '../../media/luma-delta.js';

/** The longer side of the working picture; smaller pictures are marked at their own size. */
export const WORK_LONG_SIDE = 1024;
/** Below this shorter side there are too few tiles to find: no watermark. */
export const MIN_SHORT_SIDE = 256;
/** Grey levels of change on flat areas and on busy ones, before the picture's own gain. */
const FLAT_AMP = 1;
const BUSY_AMP = 3;
/** Local activity (mean absolute gradient, grey levels) at which the amplitude reaches BUSY_AMP. */
const BUSY_ACTIVITY = 12;
/**
 * The change aimed at, as an RMS in grey levels, before the dither to whole levels (which adds
 * its own: measured PSNR ≥ 44.5 dB, SSIM ≥ 0.98 on the bench's pictures): a quiet picture
 * gets a stronger layer up to this, a busy one is held to it. PSNR ≥ 42 dB needs RMS ≤ 2.0.
 */
const TARGET_RMS = 1.22;
/** The gain never exceeds this, nor any pixel's amplitude MAX_AMP. */
const MAX_GAIN = 2.5;
const MAX_AMP = 5;
/**
 * On a flat block the amplitude stays at or under this many levels whatever the gain: noise of
 * RMS σ on a flat area costs SSIM about σ² / (σ² + 58.5) (0.8 level: ~0.986 before the encoder),
 * and the eye sees grain on an even sky before it sees it anywhere else. The cap rises with the
 * square of the block's busyness, so a gentle gradient stays near it.
 */
const FLAT_CAP = 0.8;
/** Within this many levels of black or white the change fades out (it would be clipped on one side). */
const FADE = 16;

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

/** Fade of the change at each grey value: full strength, fading within FADE levels of black and white. */
const FADE_AT = Float64Array.from({ length: 256 }, (_, v) => Math.min(1, Math.min(v, 255 - v) / FADE));
/** The same in 1/256 (integer arithmetic in the pass over every pixel). */
const FADE_256 = Int32Array.from(FADE_AT, (f) => Math.round(f * 256));

/**
 * Per BLOCK × BLOCK block, row-major over ceil(w / BLOCK) blocks a row: the mean absolute
 * gradient (grey levels) and the sum of the squared fade of its pixels (for the change's energy).
 */
function blockStats(g: Grey): { act: Float64Array; fadeSq: Float64Array; bw: number } {
  const { width: w, height: h, data } = g;
  const bw = Math.ceil(w / BLOCK);
  const bh = Math.ceil(h / BLOCK);
  const gradient = new Int32Array(bw * bh);
  const fadeSq = new Float64Array(bw * bh);
  const fadeSqAt = FADE_AT.map((f) => f * f);
  for (let y = 0; y < h; y++) {
    const brow = (y >> 3) * bw;
    const down = y + 1 < h ? w : 0;
    for (let x = 0, i = y * w; x < w; x++, i++) {
      const v = data[i];
      const b = brow + (x >> 3);
      const right = x + 1 < w ? data[i + 1] - v : 0;
      const below = data[i + down] - v;
      gradient[b] += (right < 0 ? -right : right) + (below < 0 ? -below : below);
      fadeSq[b] += fadeSqAt[v];
    }
  }
  const act = Float64Array.from(gradient, (sum, b) => sum / (Math.min(BLOCK, w - (b % bw) * BLOCK) * Math.min(BLOCK, h - Math.floor(b / bw) * BLOCK)));
  return { act, fadeSq, bw };
}

/**
 * The signed change (1/DELTA_STEPS grey level per working pixel, added alike to R, G and B)
 * carrying `payload` under `key`, for the working-size luminance `grey` of the labelled picture.
 */
export function watermarkDelta(grey: Grey, key: Buffer, payload: WatermarkPayload): Int16Array {
  const tile = tileOf(layoutOf(key), encode(packPayload(payload)));
  const { act, fadeSq, bw } = blockStats(grey);
  const { width: w, height: h, data } = grey;
  const busy = act.map((a) => Math.min(1, a / BUSY_ACTIVITY));
  const blockAmp = busy.map((b) => FLAT_AMP + (BUSY_AMP - FLAT_AMP) * b);
  // The change is the amplitude itself (faded near black and white): its mean square sets the gain.
  let energy = 0;
  for (let b = 0; b < blockAmp.length; b++) energy += blockAmp[b] * blockAmp[b] * fadeSq[b];
  const gain = Math.min(MAX_GAIN, TARGET_RMS / Math.sqrt(Math.max(1e-9, energy / (w * h))));
  const levels = Int32Array.from(blockAmp, (a, b) =>
    Math.round(Math.min(MAX_AMP, gain * a, FLAT_CAP + (MAX_AMP - FLAT_CAP) * busy[b] * busy[b]) * DELTA_STEPS),
  );
  const out = new Int16Array(w * h);
  for (let y = 0; y < h; y++) {
    const trow = (y % TILE) * TILE;
    const brow = (y >> 3) * bw;
    for (let x = 0, i = y * w; x < w; x++, i++) {
      // Rounded half away from zero (the tile is ±1): the same size of change either way.
      const m = (levels[brow + (x >> 3)] * FADE_256[data[i]] + 128) >> 8;
      out[i] = tile[trow + (x & (TILE - 1))] > 0 ? m : -m;
    }
  }
  return out;
}
