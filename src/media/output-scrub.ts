/**
 * Personal data out of an encoded picture, before it is signed: each container's metadata
 * blocks are found by walking the container (no pixels decoded) and scrubbed.
 *
 * - JPEG: the EXIF segment scrubbed in place (exif-scrub.ts), the Photoshop/IPTC segment
 *   rebuilt (iim-scrub.ts), comments, extended XMP and APP2 previews (FlashPix, MPF) dropped.
 * - PNG: the eXIf chunk scrubbed in place (CRC redone); text chunks other than our XMP dropped
 *   (generator prompts, comments, raw EXIF/IPTC profiles).
 * - WebP: the EXIF chunk scrubbed in place. AVIF/HEIF: the Exif item, found by its header.
 * TIFF outputs carry no EXIF or IPTC (libvips writes neither there without keepMetadata).
 */
import { crc32 } from 'node:zlib';
import { type KeepPersonal, type PrivacyItem, uniqueItems } from '../domain/personal-data.js';
import { scrubExif } from './exif-scrub.js';
import { scrubPhotoshop } from './iim-scrub.js';
import { headerSegments } from './jpeg-segments.js';

const APP1 = 0xe1;
const APP2 = 0xe2;
const APP13 = 0xed;
const COM = 0xfe;
const PNG_XMP_KEY = 'XML:com.adobe.xmp';
/** PNG text keywords that hold a generator's prompt (signals/png-text.ts reads the same). */
const PROMPT_KEYS = new Set(['parameters', 'prompt', 'workflow', 'Dream', 'sd-metadata', 'invokeai_metadata']);

export interface Scrubbed {
  bytes: Buffer;
  removed: PrivacyItem[];
}

/** `bytes` is the caller's own encoded output: EXIF is scrubbed in it, in place; a copy is made only when blocks are dropped. */
export function scrubPicture(bytes: Buffer, format: string, keep: KeepPersonal): Scrubbed {
  if (format === 'jpeg') return scrubJpeg(bytes, keep);
  if (format === 'png') return scrubPng(bytes, keep);
  if (format === 'webp') return scrubWebp(bytes, keep);
  if (format === 'avif' || format === 'heif') return scrubEmbeddedExif(bytes, keep);
  return { bytes, removed: [] };
}

function scrubJpeg(jpeg: Buffer, keep: KeepPersonal): Scrubbed {
  const segs = headerSegments(jpeg);
  if (!segs) return { bytes: jpeg, removed: [] };
  const removed: PrivacyItem[] = [];
  const parts: Buffer[] = [jpeg.subarray(0, 2)];
  let rebuilt = false;
  const id = (s: { start: number }, text: string) => jpeg.toString('latin1', s.start + 4, s.start + 4 + text.length) === text;
  const sos = segs[segs.length - 1];
  for (const s of segs.slice(0, -1)) {
    const whole = jpeg.subarray(s.start, s.end);
    if (s.marker === APP1 && id(s, 'Exif\0')) {
      // Scrubbed in place: the segment keeps its size.
      const r = scrubExif(whole.subarray(4), keep);
      removed.push(...r.removed);
      if (r.ok) parts.push(whole);
      else rebuilt = true;
    } else if (s.marker === APP1 && id(s, 'http://ns.adobe.com/xmp/extension/')) {
      removed.push({ kind: 'editing-history', field: 'XMP:ExtendedXMP' });
      rebuilt = true;
    } else if (s.marker === APP13 && id(s, 'Photoshop 3.0\0')) {
      const r = scrubPhotoshop(whole.subarray(4), keep);
      removed.push(...r.removed);
      if (r.payload && r.payload.length + 2 <= 0xffff) parts.push(segment(APP13, r.payload));
      rebuilt = true;
    } else if (s.marker === APP2 && !id(s, 'ICC_PROFILE\0')) {
      if (id(s, 'MPF\0') || id(s, 'FPXR\0')) removed.push({ kind: 'embedded-preview', field: id(s, 'MPF\0') ? 'MPF:PreviewImage' : 'FlashPix:PreviewImage' });
      rebuilt = true;
    } else if (s.marker === COM) {
      rebuilt = true;
    } else {
      parts.push(whole);
    }
  }
  if (!rebuilt) return { bytes: jpeg, removed: uniqueItems(removed) };
  // The last header segment is SOS: it and everything after it (the scan) are kept as they are.
  parts.push(jpeg.subarray(sos.start));
  return { bytes: Buffer.concat(parts), removed: uniqueItems(removed) };
}

function segment(marker: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head[0] = 0xff;
  head[1] = marker;
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

function scrubPng(png: Buffer, keep: KeepPersonal): Scrubbed {
  const removed: PrivacyItem[] = [];
  const parts: Buffer[] = [png.subarray(0, 8)];
  let rebuilt = false;
  let at = 8;
  while (at + 12 <= png.length) {
    const len = png.readUInt32BE(at);
    const end = at + 12 + len;
    if (end > png.length) break;
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + len);
    const nul = data.indexOf(0);
    const key = type === 'tEXt' || type === 'zTXt' || type === 'iTXt' ? data.toString('latin1', 0, nul < 0 ? Math.min(79, data.length) : nul) : undefined;
    if (type === 'eXIf') {
      // Scrubbed in place, its CRC redone.
      const r = scrubExif(data, keep);
      removed.push(...r.removed);
      png.writeUInt32BE(crc32(png.subarray(at + 4, at + 8 + len)), at + 8 + len);
      if (r.ok) parts.push(png.subarray(at, end));
      else rebuilt = true;
    } else if (key !== undefined && key !== PNG_XMP_KEY) {
      if (PROMPT_KEYS.has(key)) removed.push({ kind: 'prompt', field: `PNG:${key}` });
      rebuilt = true;
    } else {
      parts.push(png.subarray(at, end));
    }
    at = end;
  }
  if (!rebuilt) return { bytes: png, removed: uniqueItems(removed) };
  parts.push(png.subarray(at));
  return { bytes: Buffer.concat(parts), removed: uniqueItems(removed) };
}

function scrubWebp(webp: Buffer, keep: KeepPersonal): Scrubbed {
  if (webp.toString('latin1', 0, 4) !== 'RIFF' || webp.toString('latin1', 8, 12) !== 'WEBP') return { bytes: webp, removed: [] };
  const out = webp;
  const removed: PrivacyItem[] = [];
  for (let at = 12; at + 8 <= out.length; ) {
    const size = out.readUInt32LE(at + 4);
    if (out.toString('latin1', at, at + 4) === 'EXIF' && at + 8 + size <= out.length) {
      const r = scrubExif(out.subarray(at + 8, at + 8 + size), keep);
      removed.push(...r.removed);
      if (!r.ok) out.fill(0, at + 8, at + 8 + size);
    }
    at += 8 + size + (size & 1);
  }
  return { bytes: out, removed: uniqueItems(removed) };
}

/** ISOBMFF (AVIF, HEIF): the Exif item's payload starts with "Exif\0\0" and a TIFF header. */
function scrubEmbeddedExif(bytes: Buffer, keep: KeepPersonal): Scrubbed {
  const out = bytes;
  const removed: PrivacyItem[] = [];
  for (const magic of ['Exif\0\0II*\0', 'Exif\0\0MM\0*']) {
    const at = out.indexOf(magic, 0, 'latin1');
    if (at < 0) continue;
    const r = scrubExif(out.subarray(at), keep);
    removed.push(...r.removed);
  }
  return { bytes: out, removed: uniqueItems(removed) };
}
