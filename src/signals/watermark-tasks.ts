/**
 * What the parse worker does for the watermark detector: the detection itself (autocorrelation,
 * folds, sync correlations, Viterbi) on a luminance already decoded small. Pure; plain data in
 * and out.
 */
import type { WatermarkFinding } from '../domain/watermark.js';
import { detectWatermark } from '../label/watermark/detect.js';

export interface WatermarkTaskArg {
  width: number;
  height: number;
  /** The key in hex: it crosses to the worker thread only, never into a result or a log. */
  key: string;
}

export const TASKS = {
  detect(input: Buffer, arg: WatermarkTaskArg): WatermarkFinding | null {
    if (input.length !== arg.width * arg.height) throw new Error('luminance size mismatch');
    return detectWatermark({ data: input, width: arg.width, height: arg.height }, Buffer.from(arg.key, 'hex')) ?? null;
  },
};
