/**
 * Reads the text chunks of a PNG (tEXt, zTXt, iTXt) without decoding pixels. Generators
 * write their settings here: Stable Diffusion web UIs `parameters`, ComfyUI `prompt` and
 * `workflow`, and XMP travels as iTXt `XML:com.adobe.xmp`.
 */
import { inflateSync } from 'node:zlib';
import { METADATA_LIMITS } from '../media/metadata-limits.js';

export interface PngText {
  keyword: string;
  text: string;
  chunk: 'tEXt' | 'zTXt' | 'iTXt';
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** All text chunks together may not take more than this (a zip bomb in text chunks); the core refuses such files earlier. */
const MAX_TEXT = METADATA_LIMITS.totalBytes;

export function isPng(bytes: Buffer): boolean {
  return bytes.length > 8 && bytes.subarray(0, 8).equals(SIGNATURE);
}

export function readPngText(bytes: Buffer): PngText[] {
  if (!isPng(bytes)) return [];
  const out: PngText[] = [];
  let budget = MAX_TEXT;
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const data = bytes.subarray(at + 8, Math.min(at + 8 + length, bytes.length));
    if (type === 'IEND') break;
    try {
      if (type === 'tEXt' || type === 'zTXt' || type === 'iTXt') {
        const t = parseText(type, data, budget);
        if (t) out.push(t);
        budget -= t ? Math.max(t.text.length, data.length) : data.length;
        if (budget <= 0) break;
      }
    } catch (err) {
      // One damaged chunk does not hide the others; past the budget, nothing more is read.
      if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') break;
    }
    at += 12 + length;
  }
  return out;
}

export interface PngTextChunks {
  /** The PNG signature followed by the file's text chunks, as written (what readPngText reads), in pieces: copied once, where they go. */
  png: Buffer[];
  /** Whether any of them is compressed (zTXt, compressed iTXt): it may inflate to far more than its size. */
  compressed: boolean;
  /** Whether one of them is the XMP packet (iTXt "XML:com.adobe.xmp"). */
  hasXmp: boolean;
}

/**
 * The text chunks of a PNG, copied out without reading them: the chunk walk reads only the
 * chunk headers, so this is cheap on the event loop, and the parse worker gets the text, not
 * the pixels.
 */
export function textChunks(bytes: Buffer): PngTextChunks | undefined {
  if (!isPng(bytes)) return undefined;
  const parts: Buffer[] = [SIGNATURE];
  let compressed = false;
  let hasXmp = false;
  for (let at = 8; at + 12 <= bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    if (type === 'IEND') break;
    if (type === 'tEXt' || type === 'zTXt' || type === 'iTXt') {
      const end = Math.min(at + 12 + length, bytes.length);
      parts.push(bytes.subarray(at, end));
      // Keywords are 1-79 bytes: the search stays inside the chunk's first 80.
      const nul = bytes.subarray(at + 8, Math.min(at + 8 + 80, end)).indexOf(0);
      const keyEnd = nul < 0 ? -1 : at + 8 + nul;
      if (keyEnd > at + 8) {
        if (type === 'zTXt' || (type === 'iTXt' && bytes[keyEnd + 1] === 1)) compressed = true;
        if (type === 'iTXt' && bytes.toString('latin1', at + 8, keyEnd) === 'XML:com.adobe.xmp') hasXmp = true;
      }
    }
    at += 12 + length;
  }
  return parts.length > 1 ? { png: parts, compressed, hasXmp } : undefined;
}

function parseText(type: PngText['chunk'], data: Buffer, budget: number): PngText | undefined {
  const nul = data.indexOf(0);
  if (nul <= 0) return undefined;
  const keyword = data.toString('latin1', 0, nul);
  if (type === 'tEXt') return { keyword, text: data.toString('latin1', nul + 1), chunk: type };
  if (type === 'zTXt') return { keyword, text: inflate(data.subarray(nul + 2), budget).toString('latin1'), chunk: type };
  // iTXt: keyword \0 flag method language \0 translated keyword \0 text (UTF-8)
  const compressed = data[nul + 1] === 1;
  const langEnd = data.indexOf(0, nul + 3);
  const transEnd = langEnd < 0 ? -1 : data.indexOf(0, langEnd + 1);
  if (transEnd < 0) return undefined;
  const body = data.subarray(transEnd + 1);
  return { keyword, text: (compressed ? inflate(body, budget) : body).toString('utf8'), chunk: type };
}

function inflate(b: Buffer, budget: number): Buffer {
  return inflateSync(b, { maxOutputLength: Math.max(1, budget) });
}
