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

/** A small JPEG of the labelled picture for the manifest (far cheaper than the SDK's own). */
export async function thumbnailOf(labelled: Buffer): Promise<Buffer> {
  return sharp(labelled, { limitInputPixels: false }).resize(512, 512, { fit: 'inside', withoutEnlargement: true }).flatten({ background: '#ffffff' }).jpeg({ quality: 75 }).toBuffer();
}
