/**
 * The pixel half of labelling, in terms of a mark plan: the full-size labelled picture, and
 * a small labelled copy (the manifest's thumbnail and the record's fingerprint pixels).
 * An RGB JPEG is decoded once and both come from the same pixels; other inputs are decoded
 * at reduced size (shrink-on-load where the format has it) for the small copy, alongside the
 * full-size encode.
 */
import type { ImageProbe } from '../media/probe.js';
import { encodeLabelled, labelledPreview, labelOnce, type LabelPixels, type Preview, type Watermarker } from '../media/sharp.js';
import type { WatermarkPayload } from '../domain/watermark.js';
import { canCarry, watermarkDelta, workingSize } from './watermark/embed.js';
import { BACKING, type MarkPlan } from './image-mark.js';
import { scrubPicture } from '../media/output-scrub.js';
import type { KeepPersonal, PrivacyItem } from '../domain/personal-data.js';

export type { Preview } from '../media/sharp.js';

export interface EncodeOptions {
  xmp: string;
  quality: number;
  maxPixels: number;
  /** Personal data the caller keeps; the rest is removed from the output's metadata (media/output-scrub.ts). */
  keep?: KeepPersonal;
  /** The invisible watermark to embed after the visible warning (label/watermark), when a key is configured. */
  watermark?: WatermarkRequest;
}

export interface WatermarkRequest {
  key: Buffer;
  payload: WatermarkPayload;
}

const THUMB_MAX = 512;

function pixelsOf(plan: MarkPlan, probe: ImageProbe, maxPixels: number): LabelPixels {
  return {
    format: probe.format,
    maxPixels,
    hasAlpha: probe.hasAlpha,
    extend: plan.extend,
    extendColour: BACKING,
    mark: { png: plan.png, left: plan.region.x, top: plan.region.y },
  };
}

/** The labelled picture, encoded in its own format without the personal data it is not asked to keep, and its small copy. */
export async function labelPixels(
  input: Buffer,
  plan: MarkPlan,
  probe: ImageProbe,
  o: EncodeOptions,
): Promise<{ bytes: Buffer; preview: Preview; removed: PrivacyItem[]; watermarked: boolean }> {
  const p = pixelsOf(plan, probe, o.maxPixels);
  const wm = o.watermark && canCarry(plan.canvas.width, plan.canvas.height) ? o.watermark : undefined;
  const [encoded, preview, watermarked] = probe.decodesOnce
    ? await labelOnce(
        input,
        { ...p, canvas: plan.canvas },
        { xmp: o.xmp, quality: o.quality, density: probe.density },
        THUMB_MAX,
        wm && embedder(wm, plan),
      ).then((r) => [r.bytes, r.preview, !!wm] as const)
    : await encodeApart(input, p, plan, o, wm);
  const { bytes, removed } = scrubPicture(encoded, probe.format, o.keep ?? {});
  return { bytes, preview, removed, watermarked };
}

function embedder(wm: WatermarkRequest, plan: MarkPlan): Watermarker {
  return { size: workingSize(plan.canvas.width, plan.canvas.height), delta: (grey) => watermarkDelta(grey, wm.key, wm.payload) };
}

/**
 * Other inputs: the full-size encode beside the small copy, or, with a watermark, after it: the
 * small copy is then decoded at the watermark's working size, whose luminance shapes the layer
 * blended in at full size. A picture with transparency is not watermarked (the blend would
 * make it opaque).
 */
async function encodeApart(input: Buffer, p: LabelPixels, plan: MarkPlan, o: EncodeOptions, wm: WatermarkRequest | undefined) {
  const previewPixels = { ...p, canvas: plan.canvas, markSize: plan.region };
  if (!wm) {
    const [bytes, preview] = await Promise.all([
      encodeLabelled(input, p, { xmp: o.xmp, quality: o.quality }),
      labelledPreview(input, previewPixels, THUMB_MAX),
    ]);
    return [bytes, preview, false] as const;
  }
  const { work, ...preview } = await labelledPreview(input, previewPixels, THUMB_MAX, workingSize(plan.canvas.width, plan.canvas.height));
  const layer = work?.opaque ? embedder(wm, plan).delta(work) : undefined;
  const bytes = await encodeLabelled(
    input,
    p,
    { xmp: o.xmp, quality: o.quality },
    layer && work ? { layer: { data: layer, width: work.width, height: work.height }, canvas: plan.canvas } : undefined,
  );
  return [bytes, preview, !!layer] as const;
}
