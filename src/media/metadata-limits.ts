/**
 * Metadata size guard, run on the raw bytes before sharp, ExifTool or our own readers see a
 * file. A 650 KB PNG can hold 40 zTXt chunks that each inflate to 16 MB: libvips inflates
 * every one of them on a mere header read (2 GB of RSS), ExifTool too. So the metadata a file
 * would take in memory (PNG text, iCCP and eXIf chunks inflated; JPEG APP/COM segments; WebP
 * ICCP/EXIF/XMP chunks) is added up with bounded inflation, and a file past the limit is
 * refused (`metadata_too_large`, 422 / exit 2): a verdict read from half the metadata would
 * not be evidence, and labelling would carry it over.
 */
import { constants, inflateSync } from 'node:zlib';
import { LabellerError } from '../domain/errors.js';

export const METADATA_LIMITS = {
  /** Total metadata of one file, after inflation. Real files carry kilobytes; ICC profiles and extended XMP a few MB. */
  totalBytes: 8 * 1024 * 1024,
  /** Text/metadata chunks or segments in one file. */
  blocks: 1024,
};

/** Throws `metadata_too_large` when the file's metadata would pass the limits. Never inflates more than the limit. */
export function checkMetadataSize(bytes: Buffer, format: string, limits = METADATA_LIMITS): void {
  const tally = new Tally(limits);
  if (format === 'png') walkPng(bytes, tally);
  else if (format === 'jpeg') walkJpeg(bytes, tally);
  else if (format === 'webp') walkWebp(bytes, tally);
}

class Tally {
  used = 0;
  blocks = 0;
  constructor(private readonly limits: typeof METADATA_LIMITS) {}

  get remaining(): number {
    return this.limits.totalBytes - this.used;
  }

  add(what: string, size: number): void {
    this.used += size;
    this.blocks++;
    if (this.used > this.limits.totalBytes) {
      throw new LabellerError(
        'metadata_too_large',
        `the file's metadata would take more than ${mb(this.limits.totalBytes)} in memory (${what}); such metadata is refused, not read`,
      );
    }
    if (this.blocks > this.limits.blocks) {
      throw new LabellerError(
        'metadata_too_large',
        `the file has more than ${this.limits.blocks} metadata blocks (${what}); such metadata is refused, not read`,
      );
    }
  }

  /** Inflates at most what is left of the budget (plus one byte, to know it ran over). */
  inflated(what: string, data: Buffer): void {
    let size: number;
    try {
      // Z_SYNC_FLUSH: a truncated stream yields what it has, as a decoder would.
      size = inflateSync(data, { maxOutputLength: Math.max(1, this.remaining + 1), finishFlush: constants.Z_SYNC_FLUSH }).length;
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') size = this.remaining + 1;
      // Damaged mid-stream: a decoder may have produced up to deflate's ratio (1032:1) before the damage.
      else size = Math.min(data.length * 1032, this.remaining + 1);
    }
    this.add(`${what}, inflated`, size);
  }
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function walkPng(bytes: Buffer, tally: Tally): void {
  if (bytes.length < 8 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return;
  for (let at = 8; at + 8 <= bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    if (type === 'IEND') return;
    // A truncated chunk still counts what is there: decoders read up to the end.
    const data = bytes.subarray(at + 8, Math.min(at + 8 + length, bytes.length));
    const what = `PNG ${type} chunk`;
    if (type === 'tEXt' || type === 'eXIf') tally.add(what, data.length);
    else if (type === 'zTXt' || type === 'iCCP') {
      const nul = data.indexOf(0);
      if (nul >= 0) tally.inflated(what, data.subarray(nul + 2));
      else tally.add(what, data.length);
    } else if (type === 'iTXt') {
      const nul = data.indexOf(0);
      const langEnd = nul < 0 ? -1 : data.indexOf(0, nul + 3);
      const transEnd = langEnd < 0 ? -1 : data.indexOf(0, langEnd + 1);
      if (nul >= 0 && data[nul + 1] === 1 && transEnd >= 0) tally.inflated(what, data.subarray(transEnd + 1));
      else tally.add(what, data.length);
    }
    at += 12 + length;
  }
}

/** APPn and COM segments up to the start of scan; APP11 is JUMBF (C2PA), which the SDK bounds itself. */
function walkJpeg(bytes: Buffer, tally: Tally): void {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return;
  for (let at = 2; at + 4 <= bytes.length; ) {
    if (bytes[at] !== 0xff) return;
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return; // start of scan, end of image
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    const length = bytes.readUInt16BE(at + 2);
    const metadata = (marker >= 0xe0 && marker <= 0xef && marker !== 0xeb) || marker === 0xfe;
    if (metadata) tally.add(`JPEG ${marker === 0xfe ? 'COM' : `APP${marker - 0xe0}`} segment`, length);
    at += 2 + length;
  }
}

function walkWebp(bytes: Buffer, tally: Tally): void {
  if (bytes.length < 12 || bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WEBP') return;
  for (let at = 12; at + 8 <= bytes.length; ) {
    const fourcc = bytes.toString('latin1', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    if (fourcc === 'ICCP' || fourcc === 'EXIF' || fourcc === 'XMP ') tally.add(`WebP ${fourcc.trim()} chunk`, Math.min(size, bytes.length - at - 8));
    at += 8 + size + (size & 1);
  }
}

function mb(n: number): string {
  return `${Math.round(n / (1024 * 1024))} MB`;
}
