/**
 * One place says what we accept. The type comes from the bytes, never from a file name.
 */
import { fileTypeFromBuffer } from 'file-type';
import { LabellerError } from '../errors.js';

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'avif' | 'tiff';
export type TextFormat = 'txt' | 'md' | 'html';

export type Sniffed =
  | { kind: 'image'; format: ImageFormat; mimeType: string }
  | { kind: 'text'; mimeType: string }
  | { kind: 'other'; mimeType: string; ext: string };

export const IMAGE_MIME: Record<ImageFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  tiff: 'image/tiff',
};

export const IMAGE_EXT: Record<ImageFormat, string> = { jpeg: 'jpg', png: 'png', webp: 'webp', avif: 'avif', tiff: 'tif' };

const BY_MIME: Record<string, ImageFormat> = Object.fromEntries(Object.entries(IMAGE_MIME).map(([f, m]) => [m, f as ImageFormat]));

export async function sniff(bytes: Buffer): Promise<Sniffed> {
  if (bytes.length === 0) throw new LabellerError('empty_input', 'the file is empty (0 bytes)');
  // Before file-type, which calls an SVG document plain XML.
  if (looksLikeSvg(bytes)) return { kind: 'other', mimeType: 'image/svg+xml', ext: 'svg' };
  const ft = await fileTypeFromBuffer(bytes);
  if (ft) {
    const format = BY_MIME[ft.mime];
    if (format) return { kind: 'image', format, mimeType: ft.mime };
    return { kind: 'other', mimeType: ft.mime, ext: ft.ext };
  }
  if (looksLikeText(bytes)) return { kind: 'text', mimeType: 'text/plain' };
  return { kind: 'other', mimeType: 'application/octet-stream', ext: 'bin' };
}

/** Rejects what we do not label, with the reason an editor needs. */
export function unsupported(s: Sniffed): LabellerError {
  if (s.mimeType === 'image/svg+xml') {
    return new LabellerError('svg_not_supported', 'SVG is not accepted: it is a document that can carry scripts; export it to PNG first');
  }
  if (s.mimeType === 'image/gif') return new LabellerError('unsupported_type', 'GIF is not supported; use PNG, JPEG, WebP, AVIF or TIFF');
  return new LabellerError('unsupported_type', `not a supported image or text file (detected ${s.mimeType}); accepted: JPEG, PNG, WebP, AVIF, TIFF, plain text, Markdown, HTML`);
}

function looksLikeSvg(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 4096).toString('utf8').replace(/^\uFEFF/, '');
  // Prolog, doctype and comments may come first; the root element decides.
  const stripped = head.replace(/<\?xml[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/gi, '').trimStart();
  return /^<svg[\s>]/i.test(stripped);
}

/** Text: UTF-16 with BOM, or no NUL bytes and few control characters in the first 64 KB. */
function looksLikeText(bytes: Buffer): boolean {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return true;
  const sample = bytes.subarray(0, 65536);
  let control = 0;
  for (const b of sample) {
    if (b === 0) return false;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) control++;
  }
  return control / sample.length < 0.01;
}
