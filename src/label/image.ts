/**
 * The pixel half of labelling, in terms of a mark plan: the full-size labelled picture, and
 * a small labelled copy (the manifest's thumbnail and the record's fingerprint pixels) made
 * from the input decoded at reduced size, alongside the full-size encode.
 */
import type { ImageFormat } from '../media/sniff.js';
import { encodeLabelled, labelledPreview, type LabelPixels, type Preview } from '../media/sharp.js';
import { BACKING, type MarkPlan } from './image-mark.js';

export type { Preview } from '../media/sharp.js';

export interface EncodeOptions {
  format: ImageFormat;
  xmp: string;
  quality: number;
  maxPixels: number;
}

const THUMB_MAX = 512;

function pixelsOf(plan: MarkPlan, format: ImageFormat, maxPixels: number): LabelPixels {
  return { format, maxPixels, extend: plan.extend, extendColour: BACKING, mark: { png: plan.png, left: plan.region.x, top: plan.region.y } };
}

export function burnIn(input: Buffer, plan: MarkPlan, o: EncodeOptions): Promise<Buffer> {
  return encodeLabelled(input, pixelsOf(plan, o.format, o.maxPixels), { xmp: o.xmp, quality: o.quality });
}

/** The labelled picture at ≤ 512 px: a JPEG thumbnail and its grey pixels (for the record's fingerprints). */
export function previewOf(input: Buffer, plan: MarkPlan, format: ImageFormat, maxPixels: number): Promise<Preview> {
  return labelledPreview(input, { ...pixelsOf(plan, format, maxPixels), canvas: plan.canvas, markSize: plan.region }, THUMB_MAX);
}
