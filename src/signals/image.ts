/**
 * What provenance an image holds, read by the detectors and nothing more: the C2PA manifest
 * (validated, with our own visible-warning claim judged) and the metadata traces (IPTC,
 * GB 45438, software names, PNG generator text). The pixels are not read here, so the visible
 * layer is known only from a believed claim. The verdict and the summary are the core's.
 */
import type { C2paSummary, Signal } from '../domain/report.js';
import { LabellerError } from '../domain/errors.js';
import { type C2paCheck, detectC2pa } from './c2pa.js';
import { detectIptc } from './iptc.js';
import { readMetadata } from './metadata.js';
import { detectPngText } from './png-text.js';
import { detectSoftware } from './software.js';
import { detectTc260 } from './tc260.js';

export interface ImageProvenance {
  c2pa: C2paSummary;
  signals: Signal[];
  visibleLayerRead: false;
}

/** `labelable`: a format we label (its header must read); others (GIF, SVG, HEIF) are only checked for C2PA. */
export async function readImageProvenance(input: Buffer, media: { format: string; mimeType: string; labelable: boolean }, check: C2paCheck): Promise<ImageProvenance> {
  // The detectors are independent: C2PA validation (native threads) overlaps the header read.
  const [found, meta] = await Promise.all([detectC2pa(input, media.mimeType, check), readMetadata(input, media.format)]);
  // A picture whose header cannot be read (a truncated TIFF's IFD) is refused as damaged, as labelling does.
  if (meta.headerError && media.labelable) throw new LabellerError('corrupt_input', `the ${media.format.toUpperCase()} file cannot be read (${meta.headerError})`);
  const signals: Signal[] = [
    ...found.signals,
    ...detectIptc(meta.xmp),
    ...detectTc260(meta.xmp, meta.pngText),
    ...detectSoftware(meta.exif, meta.xmp),
    ...detectPngText(meta.pngText, meta.exif.userComment),
  ];
  return { c2pa: found.c2pa, signals, visibleLayerRead: false };
}
