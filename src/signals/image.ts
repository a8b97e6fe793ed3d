/**
 * What provenance an image holds, read by the detectors and nothing more: the C2PA manifest
 * (validated, with our own visible-warning claim judged), the metadata traces (IPTC,
 * GB 45438, software names, PNG generator text) and the visible warning in the pixels (OCR).
 * When the pixels are not read (OCR off, not installed, the picture too small), the visible
 * layer is known only from a believed claim. The verdict and the summary are the core's.
 */
import type { C2paSummary, OcrInfo, Signal } from '../domain/report.js';
import { type PrivacyItem, uniqueItems } from '../domain/personal-data.js';
import { LabellerError } from '../domain/errors.js';
import { believedWarning } from '../domain/warning-trust.js';
import { type C2paCheck, detectC2pa } from './c2pa.js';
import { readMetadata } from './metadata.js';
import { ocrStatus } from '../media/ocr.js';
import { detectVisibleText, type VisibleText } from './visible-text.js';

export interface ImageProvenance {
  c2pa: C2paSummary;
  signals: Signal[];
  /** The pixels were read: a warning not found there is absent, not unknown. */
  visibleLayerRead: boolean;
  ocr: OcrInfo;
  /** Personal data in the metadata (GPS, serial numbers, owner, device ids, previews, history paths). */
  privacy: PrivacyItem[];
}

/** `ocr`: read the pixels for the visible warning (the policy's choice); `maxPixels` bounds that decode. */
export interface PixelReading {
  ocr: boolean;
  maxPixels: number;
}

/** `labelable`: a format we label (its header must read); others (GIF, SVG, HEIF) are only checked for C2PA. */
export async function readImageProvenance(
  input: Buffer,
  media: { format: string; mimeType: string; labelable: boolean },
  check: C2paCheck,
  pixels: PixelReading = { ocr: true, maxPixels: 120_000_000 },
): Promise<ImageProvenance> {
  // C2PA validation (native threads) overlaps the header read; the pixels are read after, when still needed.
  const [found, meta] = await Promise.all([detectC2pa(input, media.mimeType, check), readMetadata(input, media.format)]);
  // A picture whose header cannot be read (a truncated TIFF's IFD) is refused as damaged, as labelling does.
  if (meta.headerError && media.labelable)
    throw new LabellerError('corrupt_input', `the ${media.format.toUpperCase()} file cannot be read (${meta.headerError})`);
  const visible = await readPixels(input, media, pixels, found.c2pa);
  const signals: Signal[] = [
    ...found.signals,
    // IPTC, GB 45438, software names, PNG generator text: read in a parse worker (metadata.ts).
    ...meta.signals,
    ...visible.signals,
  ];
  return { c2pa: found.c2pa, signals, visibleLayerRead: visible.ocr.read, ocr: visible.ocr, privacy: uniqueItems([...meta.privacy, ...(found.privacy ?? [])]) };
}

async function readPixels(input: Buffer, media: { format: string; labelable: boolean }, pixels: PixelReading, c2pa: C2paSummary): Promise<VisibleText> {
  // An intact manifest binds the pixels: a believed warning claim (ours or a trusted signer's) already proves the warning is there.
  const claimed = believedWarning(c2pa) !== undefined;
  if (pixels.ocr && media.labelable && !claimed) return detectVisibleText(input, pixels.maxPixels);
  const { available, languages } = await ocrStatus();
  const why = claimed
    ? { reason: 'not-needed' as const, message: 'the pixels were not read: the intact manifest, whose claim of a visible warning is believed, binds them' }
    : !pixels.ocr
      ? { reason: 'not-asked' as const, message: 'the pixels were not read (--no-ocr / ocr=false)' }
      : { reason: 'not-an-image' as const, message: `the pixels of a ${media.format.toUpperCase()} file are not read` };
  return { signals: [], ocr: { available, read: false, languages, ...why } };
}
