/**
 * Decoding guards: what sharp may open. A pixel bomb is refused from the header alone;
 * truncated or corrupt data is refused when decoding (sharp's failOn: 'warning').
 */
import sharp, { type Sharp, type Metadata } from 'sharp';
import { LabellerError, errorMessage } from '../errors.js';
import type { ImageFormat } from './sniff.js';

export interface ImageProbe {
  format: ImageFormat;
  /** Upright size, as the image is displayed (EXIF orientation applied). */
  width: number;
  height: number;
  orientation: number;
  pages: number;
  hasAlpha: boolean;
  /** Whether the file carries any EXIF, XMP or IPTC at all (else there is nothing to carry over). */
  hasMetadata: boolean;
}

export function openImage(bytes: Buffer, maxPixels: number): Sharp {
  return sharp(bytes, { limitInputPixels: maxPixels, failOn: 'warning', sequentialRead: true });
}

export async function probeImage(bytes: Buffer, format: ImageFormat, maxPixels: number): Promise<ImageProbe> {
  let m: Metadata;
  try {
    m = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw new LabellerError('corrupt_input', `the ${format.toUpperCase()} file cannot be decoded (${shortReason(err)})`);
  }
  if (!m.width || !m.height) throw new LabellerError('corrupt_input', `the ${format.toUpperCase()} file has no readable image size`);
  if (m.width * m.height > maxPixels) {
    throw new LabellerError('too_many_pixels', `the image is ${m.width}×${m.height} = ${(m.width * m.height / 1e6).toFixed(1)} MP, above the limit of ${(maxPixels / 1e6).toFixed(0)} MP`);
  }
  if ((m.pages ?? 1) > 1 && format !== 'tiff' && format !== 'avif') {
    throw new LabellerError('unsupported_type', 'animated images are not supported: labelling would drop every frame but the first');
  }
  const swap = (m.orientation ?? 1) >= 5;
  return {
    format,
    width: swap ? m.height : m.width,
    height: swap ? m.width : m.height,
    orientation: m.orientation ?? 1,
    pages: m.pages ?? 1,
    hasAlpha: !!m.hasAlpha,
    hasMetadata: !!(m.exif || m.xmp || m.iptc),
  };
}

/** sharp's messages name libvips internals; keep the part an editor can use. */
export function shortReason(err: unknown): string {
  const msg = errorMessage(err).split('\n')[0];
  if (/premature end|truncat|unexpected end|end of file|not enough data|read error|bad seek|IDAT|Input buffer/i.test(msg)) return 'the file is truncated or damaged';
  if (/unsupported image format/i.test(msg)) return 'unrecognised image data';
  if (/pixel limit/i.test(msg)) return 'too many pixels';
  return msg.replace(/^(Input|VipsJpeg|VipsForeign\w*|vips\w*):\s*/i, '').slice(0, 160);
}
