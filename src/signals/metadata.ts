/**
 * Collects the metadata blocks every metadata detector reads, in one cheap pass: sharp's
 * header read (XMP, EXIF; no pixel decoding) plus our own PNG chunk walk. No exiftool here:
 * a round trip to it costs more than the whole C2PA validation.
 */
import { readHeader } from '../media/sharp.js';
import { readExif, type ExifFields } from './exif-reader.js';
import { readPngText, type PngText } from './png-chunks.js';
import { XmpPacket, findXmpInBytes } from './xmp-reader.js';

export interface MediaMetadata {
  xmp?: XmpPacket;
  exif: ExifFields;
  pngText: PngText[];
  /** Why the image header could not be read (truncated or damaged), when it could not. */
  headerError?: string;
}

/** Formats sharp may read headers of; SVG is never handed to a renderer here. */
const SHARP_READABLE = new Set(['jpeg', 'png', 'webp', 'avif', 'tiff', 'gif', 'heif']);

export async function readMetadata(bytes: Buffer, format: string): Promise<MediaMetadata> {
  const pngText = format === 'png' ? readPngText(bytes) : [];
  let xmpText: string | undefined;
  let exif: ExifFields = {};
  let headerError: string | undefined;
  if (SHARP_READABLE.has(format)) {
    const m = await readHeader(bytes);
    // Undecodable headers: fall back to a byte scan below; the C2PA check still runs.
    if ('error' in m) headerError = m.error;
    else {
      xmpText = m.xmp?.toString('utf8');
      exif = readExif(m.exif);
    }
  }
  xmpText ??= pngText.find((t) => t.keyword === 'XML:com.adobe.xmp')?.text ?? findXmpInBytes(bytes);
  return { xmp: xmpText ? new XmpPacket(xmpText) : undefined, exif, pngText, ...(headerError ? { headerError } : {}) };
}
