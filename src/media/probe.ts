/**
 * What sharp may open: a pixel bomb is refused from the header alone (the guards on every
 * decode are in ./sharp.ts); animated images are refused rather than flattened.
 */
import { LabellerError } from '../domain/errors.js';
import { readHeaderOffLoop } from './header.js';
import { decodesOnce } from './sharp.js';
import type { ImageFormat } from './sniff.js';

export { shortReason } from './sharp.js';

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
  /** Those blocks as the header read returned them, for the editorial fields (signals/metadata.ts). */
  metadata: { xmp?: Buffer; exif?: Buffer; iptc?: Buffer };
  /** Whether it can be labelled with a single decode (see media/sharp.ts labelOnce). */
  decodesOnce: boolean;
  density?: number;
}

export async function probeImage(bytes: Buffer, format: ImageFormat, maxPixels: number): Promise<ImageProbe> {
  const m = await readHeaderOffLoop(bytes, format);
  if ('error' in m) throw new LabellerError('corrupt_input', `the ${format.toUpperCase()} file cannot be decoded (${m.error})`);
  if (!m.width || !m.height) throw new LabellerError('corrupt_input', `the ${format.toUpperCase()} file has no readable image size`);
  if (m.width * m.height > maxPixels) {
    throw new LabellerError(
      'too_many_pixels',
      `the image is ${m.width}×${m.height} = ${((m.width * m.height) / 1e6).toFixed(1)} MP, above the limit of ${(maxPixels / 1e6).toFixed(0)} MP`,
    );
  }
  if (m.pages > 1 && format !== 'tiff' && format !== 'avif') {
    throw new LabellerError('unsupported_type', 'animated images are not supported: labelling would drop every frame but the first');
  }
  const swap = m.orientation >= 5;
  return {
    format,
    width: swap ? m.height : m.width,
    height: swap ? m.width : m.height,
    orientation: m.orientation,
    pages: m.pages,
    hasAlpha: m.hasAlpha,
    hasMetadata: !!(m.exif || m.xmp || m.iptc),
    metadata: { xmp: m.xmp, exif: m.exif, iptc: m.iptc },
    decodesOnce: decodesOnce(format, m, m.width * m.height),
    density: m.density,
  };
}
