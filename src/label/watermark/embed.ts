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
/** Overlay levels on flat areas and at most on busy ones (a level of overlay ≈ a grey level at mid-grey). */
const FLAT_AMP = 1;
const BUSY_AMP = 3;
/** Local activity (mean absolute gradient, grey levels) at which the amplitude reaches BUSY_AMP. */
const BUSY_ACTIVITY = 12;

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

/** Mean absolute gradient in a 7 × 7 window, per pixel (box sums over an integral image). */
function activity(g: Grey): Float32Array {
  const { width: w, height: h, data } = g;
  const grad = new Float64Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++) {
    let row = 0;
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const v = data[i];
      const gx = x + 1 < w ? Math.abs(data[i + 1] - v) : 0;
      const gy = y + 1 < h ? Math.abs(data[i + w] - v) : 0;
      row += gx + gy;
      grad[(y + 1) * (w + 1) + x + 1] = grad[y * (w + 1) + x + 1] + row;
    }
  }
  const out = new Float32Array(w * h);
  const r = 3;
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(h, y + r + 1);
    for (let x = 0; x < w; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(w, x + r + 1);
      const sum = grad[y1 * (w + 1) + x1] - grad[y0 * (w + 1) + x1] - grad[y1 * (w + 1) + x0] + grad[y0 * (w + 1) + x0];
      out[y * w + x] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  return out;
}

/**
 * The overlay layer (one byte per working pixel, 128 = no change) carrying `payload` under
 * `key`, for the working-size luminance `grey` of the labelled picture.
 */
export function watermarkOverlay(grey: Grey, key: Buffer, payload: WatermarkPayload): Uint8Array {
  const tile = tileOf(layoutOf(key), encode(packPayload(payload)));
  const act = activity(grey);
  const { width: w, height: h } = grey;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const trow = (y % TILE) * TILE;
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const amp = FLAT_AMP + (BUSY_AMP - FLAT_AMP) * Math.min(1, act[i] / BUSY_ACTIVITY);
      out[i] = 128 + Math.round(amp * tile[trow + (x % TILE)]);
    }
  }
  return out;
}
