/**
 * One place says what we accept. The type comes from the bytes, never from a file name.
 */
import { LabellerError } from '../domain/errors.js';
import { bomlessUtf16 } from './utf16.js';

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'avif' | 'tiff';
export type { TextFormat } from '../domain/vocabulary.js';

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
  // What a batch mostly is, said by its first bytes exactly as file-type would say it: file-type
  // (and its tokenizers, ~50 ms of start-up CPU) is loaded for the other inputs only.
  const quick = quickImage(bytes);
  if (quick) return { kind: 'image', format: quick, mimeType: IMAGE_MIME[quick] };
  // Before file-type, which calls an SVG document plain XML.
  if (looksLikeSvg(bytes)) return { kind: 'other', mimeType: 'image/svg+xml', ext: 'svg' };
  const { fileTypeFromBuffer } = await import('file-type');
  const ft = await fileTypeFromBuffer(bytes);
  if (ft) {
    const format = BY_MIME[ft.mime];
    if (format) return { kind: 'image', format, mimeType: ft.mime };
    return { kind: 'other', mimeType: ft.mime, ext: ft.ext };
  }
  // file-type reads past the header (TIFF IFDs, ISO boxes) and gives up on a truncated file: its
  // signature still says what it was meant to be, so it is refused as damaged (422), not as foreign (415).
  const meant = imageBySignature(bytes);
  if (meant) return { kind: 'image', format: meant, mimeType: IMAGE_MIME[meant] };
  if (looksLikeText(bytes)) return { kind: 'text', mimeType: 'text/plain' };
  return { kind: 'other', mimeType: 'application/octet-stream', ext: 'bin' };
}

/**
 * JPEG and WebP by the signatures file-type checks first for them (FF D8 FF, except JPEG-LS's
 * FF D8 FF F7; RIFF....WEBP): no other type it knows starts so. Other formats need file-type's
 * closer look (a PNG may be an APNG, an ISO box a HEIC, a TIFF a camera raw).
 */
export function quickImage(b: Buffer): 'jpeg' | 'webp' | undefined {
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff && b[3] !== 0xf7) return 'jpeg';
  if (b.length >= 16 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return undefined;
}

/** The first bytes of each accepted image format. */
function imageBySignature(b: Buffer): ImageFormat | undefined {
  const ascii = (from: number, to: number) => b.toString('latin1', from, to);
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 8 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a) return 'png';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  if (ascii(4, 8) === 'ftyp' && /^avi[fs]$/.test(ascii(8, 12))) return 'avif';
  if (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*') return 'tiff';
  return undefined;
}

/** Rejects what we do not label, with the reason an editor needs. */
export function unsupported(s: Sniffed): LabellerError {
  if (s.mimeType === 'image/svg+xml') {
    return new LabellerError('svg_not_supported', 'SVG is not accepted: it is a document that can carry scripts; export it to PNG first');
  }
  if (s.mimeType === 'image/gif') return new LabellerError('unsupported_type', 'GIF is not supported; use PNG, JPEG, WebP, AVIF or TIFF');
  return new LabellerError(
    'unsupported_type',
    `not a supported image or text file (detected ${s.mimeType}); accepted: JPEG, PNG, WebP, AVIF, TIFF, plain text, Markdown, HTML`,
  );
}

/** What may come before an SVG root element: [opener, closer], lower case. */
const SVG_PROLOG = [
  ['<?xml', '?>'],
  ['<!--', '-->'],
  ['<!doctype', '>'],
] as const;

function looksLikeSvg(bytes: Buffer): boolean {
  const head = bytes
    .subarray(0, 4096)
    .toString('utf8')
    .replace(/^\uFEFF/, '');
  const lower = head.toLowerCase();
  // Prolog, doctype and comments may come first; the root element decides. The head without them
  // (as /<\?xml[\s\S]*?\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/gi removed them) is read only up to
  // its first five characters past leading spaces: that regex rescanned the head from every
  // unclosed one, and an unclosed one is kept as text here, so at most five are searched for.
  let start = '';
  for (let at = 0; at < lower.length && start.length < 5; ) {
    const skip = SVG_PROLOG.find(([open]) => lower.startsWith(open, at));
    const end = skip ? lower.indexOf(skip[1], at + skip[0].length) : -1;
    if (skip && end >= 0) {
      at = end + skip[1].length;
      continue;
    }
    if (start || !/\s/.test(lower[at])) start += lower[at];
    at++;
  }
  return start.startsWith('<svg') && /[\s>]/.test(start.charAt(4));
}

/** Text: UTF-16 with BOM or with its byte pattern, or no NUL bytes and few control characters in the first 64 KB. */
function looksLikeText(bytes: Buffer): boolean {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return true;
  // UTF-16 without BOM: decoded, or refused as undecidable text (422) by the text decoder.
  if (bomlessUtf16(bytes)) return true;
  const sample = bytes.subarray(0, 65536);
  let control = 0;
  for (const b of sample) {
    if (b === 0) return false;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) control++;
  }
  return control / sample.length < 0.01;
}
