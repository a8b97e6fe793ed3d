/**
 * The part of the ISCC image normalisation that is arithmetic on grey pixels: trimming
 * uniform borders (a frame or letterbox of the corner's colour), so that a framed copy and
 * the picture share a code. Transposing by EXIF, flattening alpha on white, greyscale and the
 * 32×32 resize are done by the media layer.
 */
import type { GreyImage } from '../record.js';

/** How far (of 255) a border pixel may be from the corner's grey and still count as border. */
export const BORDER_TOLERANCE = 8;

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The picture without rows and columns that are all within BORDER_TOLERANCE of the top-left pixel; the whole picture if that leaves nothing. */
export function contentBox(g: GreyImage, tolerance = BORDER_TOLERANCE): Box {
  const { data, width: w, height: h } = g;
  const bg = data[0];
  const off = (v: number) => v - bg > tolerance || bg - v > tolerance;
  const rowHas = (y: number, x0: number, x1: number) => {
    for (let x = x0; x < x1; x++) if (off(data[y * w + x])) return true;
    return false;
  };
  const colHas = (x: number, y0: number, y1: number) => {
    for (let y = y0; y < y1; y++) if (off(data[y * w + x])) return true;
    return false;
  };
  let top = 0;
  while (top < h && !rowHas(top, 0, w)) top++;
  if (top === h) return { left: 0, top: 0, width: w, height: h };
  let bottom = h;
  while (bottom > top && !rowHas(bottom - 1, 0, w)) bottom--;
  let left = 0;
  while (left < w && !colHas(left, top, bottom)) left++;
  let right = w;
  while (right > left && !colHas(right - 1, top, bottom)) right--;
  return { left, top, width: right - left, height: bottom - top };
}
