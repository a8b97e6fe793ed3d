/**
 * The pixel half of labelling: decode once, turn upright, burn in the mark, encode in the
 * input's own format with the new XMP packet, keeping EXIF, IPTC and the ICC profile.
 */
import sharp, { type Sharp, type Metadata } from 'sharp';
import { LabellerError } from '../errors.js';
import { openImage, shortReason } from '../media/probe.js';
import type { ImageFormat } from '../media/sniff.js';
import { BACKING, type MarkPlan } from './image-mark.js';

export interface EncodeOptions {
  format: ImageFormat;
  xmp: string;
  quality: number;
  maxPixels: number;
}

export function encoderFor(img: Sharp, format: ImageFormat, quality: number): Sharp {
  switch (format) {
    case 'jpeg':
      return img.jpeg({ quality });
    case 'png':
      return img.png({ compressionLevel: 6 });
    case 'webp':
      return img.webp({ quality });
    case 'avif':
      return img.avif({ quality: Math.min(quality, 75) });
    case 'tiff':
      // Tiled: c2pa-rs stores the manifest in a second IFD, and libvips (failOn: 'warning', its
      // default) rejects a stripped TIFF laid out that way but reads a tiled one cleanly.
      return img.tiff({ compression: 'lzw', tile: true });
  }
}

export async function burnIn(input: Buffer, plan: MarkPlan, o: EncodeOptions): Promise<Buffer> {
  let img = openImage(input, o.maxPixels).rotate();
  // sharp applies extend before composite, so the mark can sit on the added band.
  if (plan.extend) img = img.extend({ ...plan.extend, background: { ...BACKING, alpha: 1 } });
  img = img.composite([{ input: plan.png, left: plan.region.x, top: plan.region.y }]).keepMetadata().withXmp(o.xmp);
  try {
    return await encoderFor(img, o.format, o.quality).toBuffer();
  } catch (err) {
    throw new LabellerError('corrupt_input', `the ${o.format.toUpperCase()} image cannot be decoded (${shortReason(err)})`);
  }
}

const THUMB_MAX = 512;

/**
 * A small JPEG of the labelled picture for the manifest, made from the input (JPEG and WebP
 * decode at reduced size) with the mark scaled onto it, so it runs alongside the full-size
 * encode instead of after it. Far cheaper than the SDK's own thumbnail.
 */
export async function thumbnailOf(input: Buffer, plan: MarkPlan, maxPixels: number): Promise<Buffer> {
  try {
    return await scaledLabelledCopy(input, plan, maxPixels);
  } catch (err) {
    throw new LabellerError('corrupt_input', `the image cannot be decoded (${shortReason(err)})`);
  }
}

async function scaledLabelledCopy(input: Buffer, plan: MarkPlan, maxPixels: number): Promise<Buffer> {
  const { width: W, height: H } = plan.canvas;
  const scale = Math.min(1, THUMB_MAX / Math.max(W, H));
  const px = (v: number) => Math.round(v * scale);
  let img = sharp(input, { limitInputPixels: maxPixels }).rotate();
  if (plan.extend) img = sharp(await img.extend({ ...plan.extend, background: { ...BACKING, alpha: 1 } }).png().toBuffer());
  const base = await img.resize(Math.max(1, px(W)), Math.max(1, px(H)), { fit: 'fill' }).flatten({ background: '#ffffff' }).raw().toBuffer({ resolveWithObject: true });
  const markW = Math.max(1, Math.min(px(plan.region.width), base.info.width));
  const markH = Math.max(1, Math.min(px(plan.region.height), base.info.height));
  const mark = await sharp(plan.png).resize(markW, markH, { fit: 'fill' }).png().toBuffer();
  return sharp(base.data, { raw: base.info })
    .composite([{ input: mark, left: Math.min(px(plan.region.x), base.info.width - markW), top: Math.min(px(plan.region.y), base.info.height - markH) }])
    .jpeg({ quality: 75 })
    .toBuffer();
}
