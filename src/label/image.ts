/**
 * The pixel half of labelling, in terms of a mark plan: the full-size labelled picture, and
 * a small labelled copy (the manifest's thumbnail and the record's fingerprint pixels).
 * An RGB JPEG is decoded once and both come from the same pixels; other inputs are decoded
 * at reduced size (shrink-on-load where the format has it) for the small copy, alongside the
 * full-size encode.
 */
import type { ImageProbe } from '../media/probe.js';
import { encodeLabelled, labelledPreview, labelOnce, type LabelPixels, type Preview } from '../media/sharp.js';
import { BACKING, type MarkPlan } from './image-mark.js';

export type { Preview } from '../media/sharp.js';

export interface EncodeOptions {
  xmp: string;
  quality: number;
  maxPixels: number;
}

const THUMB_MAX = 512;

function pixelsOf(plan: MarkPlan, probe: ImageProbe, maxPixels: number): LabelPixels {
  return { format: probe.format, maxPixels, extend: plan.extend, extendColour: BACKING, mark: { png: plan.png, left: plan.region.x, top: plan.region.y } };
}

/** The labelled picture, encoded in its own format, and its small copy. */
export async function labelPixels(input: Buffer, plan: MarkPlan, probe: ImageProbe, o: EncodeOptions): Promise<{ bytes: Buffer; preview: Preview }> {
  const p = pixelsOf(plan, probe, o.maxPixels);
  if (probe.decodesOnce) return labelOnce(input, { ...p, canvas: plan.canvas }, { xmp: o.xmp, quality: o.quality, density: probe.density }, THUMB_MAX);
  const [bytes, preview] = await Promise.all([
    encodeLabelled(input, p, { xmp: o.xmp, quality: o.quality }),
    labelledPreview(input, { ...p, canvas: plan.canvas, markSize: plan.region }, THUMB_MAX),
  ]);
  return { bytes, preview };
}
