/**
 * The image header (size, orientation, metadata blocks), read where it cannot hold the event
 * loop. sharp's header read hands back the XMP packet as a JavaScript string too (and a PNG's
 * text chunks as strings): for a hostile 8 MB packet that string alone takes 100-200 ms of the
 * event loop. So a file that may carry that much text is read in a parse worker (sharp works
 * in worker threads), which returns the blocks as bytes; a JPEG (one 64 KB XMP segment) or a
 * PNG or WebP whose walked chunks say the text is small is read here, as before.
 */
import { LabellerError } from '../domain/errors.js';
import { type ImageHeader, readHeader } from './sharp.js';
import { runParseTask, taskModule } from './worker/pool.js';

/** Text a header read may turn into strings on the event loop without being noticed (a few ms). */
const SMALL_TEXT = 64 * 1024;
const BASE_DEADLINE_MS = 2_000;
const PER_MB_MS = 1_000;
const TASKS_MODULE = taskModule(import.meta.url, 'worker/header-tasks');

export async function readHeaderOffLoop(bytes: Buffer, format: string): Promise<ImageHeader | { error: string }> {
  if (!mayCarryLargeText(bytes, format)) return readHeader(bytes);
  const deadlineMs = BASE_DEADLINE_MS + PER_MB_MS * Math.max(0, Math.ceil(bytes.length / 1048576) - 1);
  const header = await runParseTask<ImageHeader | { error: string }>({
    module: TASKS_MODULE,
    task: 'header',
    input: bytes,
    deadlineMs,
    overrun: () => new LabellerError('metadata_too_complex', `the file's header could not be read within ${(deadlineMs / 1000).toFixed(1)} s`),
    outOfMemory: () => new LabellerError('metadata_too_large', "the file's metadata is too large to read in the memory metadata may use"),
  });
  if ('error' in header) return header;
  // Buffers cross the thread as Uint8Arrays: wrapped again, not copied.
  const asBuffer = (u?: Uint8Array) => (u ? Buffer.from(u.buffer, u.byteOffset, u.byteLength) : undefined);
  return { ...header, exif: asBuffer(header.exif), xmp: asBuffer(header.xmp), iptc: asBuffer(header.iptc) };
}

/**
 * Whether sharp's header read could make large strings: PNG text chunks past the small size or
 * compressed (they inflate), a WebP XMP chunk past it; TIFF, AVIF, HEIF and GIF keep their
 * metadata where no cheap walk finds it, so any but a small file counts.
 */
function mayCarryLargeText(bytes: Buffer, format: string): boolean {
  if (format === 'jpeg') return false;
  if (format === 'png') return pngText(bytes);
  if (format === 'webp') return webpXmp(bytes) > SMALL_TEXT;
  return bytes.length > SMALL_TEXT;
}

function pngText(bytes: Buffer): boolean {
  let total = 0;
  for (let at = 8; at + 12 <= bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    if (type === 'IEND') break;
    if (type === 'zTXt') return true;
    if (type === 'tEXt' || type === 'iTXt') {
      total += length;
      // iTXt: keyword (1-79 bytes), NUL, then the compression flag.
      const nul = bytes.subarray(at + 8, Math.min(at + 8 + 80, bytes.length)).indexOf(0);
      if (type === 'iTXt' && nul > 0 && bytes[at + 8 + nul + 1] === 1) return true;
      if (total > SMALL_TEXT) return true;
    }
    at += 12 + length;
  }
  return false;
}

function webpXmp(bytes: Buffer): number {
  for (let at = 12; at + 8 <= bytes.length; ) {
    const size = bytes.readUInt32LE(at + 4);
    if (bytes.toString('latin1', at, at + 4) === 'XMP ') return size;
    at += 8 + size + (size & 1);
  }
  return 0;
}
