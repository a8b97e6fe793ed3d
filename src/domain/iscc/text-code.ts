/**
 * ISCC Content-Code Text, v0 (ISO 24138): the text collapsed (NFD, lower case, whitespace,
 * control characters, marks and punctuation dropped, NFKC), then a MinHash over the xxHash32
 * of every 13-character window of its UTF-8.
 */
import { ContentType, encodeUnit, MainType } from './codec.js';
import { compressMinhash, minhash, minhash256 } from './minhash.js';
import { xxh32 } from './xxh32.js';

export const NGRAM = 13;

/**
 * Everything Python's str.isspace() matches is in Unicode's Z or C categories, so one class
 * drops whitespace and the C, M, P categories alike (a lone surrogate is C too).
 */
const DROPPED_ONE = /^[\p{C}\p{M}\p{P}\p{Z}]$/u;

/** The reference's text_collapse. */
export function collapseText(text: string): string {
  return withoutDropped(text.normalize('NFD').toLowerCase()).normalize('NFKC');
}

/**
 * Per BMP code unit, whether it is dropped (0 not yet asked, 1 kept, 2 dropped): a table filled
 * on first sight, so a megabyte costs one array lookup per character instead of a Unicode
 * property regex match (~3× faster on a megabyte of Cyrillic).
 */
const BMP = new Uint8Array(0x10000);
const ASTRAL = new Map<number, boolean>();

function droppedUnit(c: number): boolean {
  let v = BMP[c];
  if (v === 0) BMP[c] = v = DROPPED_ONE.test(String.fromCharCode(c)) ? 2 : 1;
  return v === 2;
}

function droppedPair(c: number, d: number): boolean {
  const cp = (c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000;
  let v = ASTRAL.get(cp);
  if (v === undefined) {
    v = DROPPED_ONE.test(String.fromCodePoint(cp));
    if (ASTRAL.size < 65536) ASTRAL.set(cp, v);
  }
  return v;
}

/** `s` without the dropped characters: what s.replace(/[\p{C}\p{M}\p{P}\p{Z}]/gu, '') gives. */
function withoutDropped(s: string): string {
  const out = new Uint16Array(s.length);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        if (!droppedPair(c, d)) {
          out[n++] = c;
          out[n++] = d;
        }
        i++;
        continue;
      }
    }
    if (!droppedUnit(c)) out[n++] = c;
  }
  return Buffer.from(out.buffer, 0, n * 2).toString('utf16le');
}

/** Code points of a collapsed text (its `characters`). */
export function characterCount(collapsed: string): number {
  let n = 0;
  for (let i = 0; i < collapsed.length; i++) {
    const c = collapsed.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < collapsed.length) {
      const d = collapsed.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** The distinct feature hashes: xxh32 of each NGRAM-code-point window's UTF-8 (one window, shorter, for a short text). */
export function textFeatures(collapsed: string): Set<number> {
  return new Set(featureSequence(collapsed));
}

/**
 * The distinct values of `features` (MinHash needs each once): an open-addressing table of
 * typed arrays, a few times faster than a Set of a million numbers and without its garbage.
 */
export function distinctFeatures(features: Uint32Array): Uint32Array {
  let size = 16;
  while (size < features.length * 2) size *= 2;
  const table = new Uint32Array(size); // 0 = empty; the feature 0 is tracked apart
  const mask = size - 1;
  const out = new Uint32Array(features.length);
  let n = 0;
  let zero = false;
  for (let i = 0; i < features.length; i++) {
    const v = features[i];
    if (v === 0) {
      if (!zero) out[n++] = 0;
      zero = true;
      continue;
    }
    for (let h = (Math.imul(v, 0x9e3779b1) >>> 0) & mask; ; h = (h + 1) & mask) {
      const t = table[h];
      if (t === v) break;
      if (t === 0) {
        table[h] = v;
        out[n++] = v;
        break;
      }
    }
  }
  return out.subarray(0, n);
}

/** The feature hash at each window position, in text order. */
function featureSequence(collapsed: string): Uint32Array {
  const utf8 = Buffer.from(collapsed, 'utf8');
  // Byte offset where each code point starts, and the end.
  const starts = new Int32Array(utf8.length + 1);
  let count = 0;
  for (let i = 0; i < utf8.length; i++) if ((utf8[i] & 0xc0) !== 0x80) starts[count++] = i;
  starts[count++] = utf8.length;
  const points = count - 1;
  const windows = Math.max(points - NGRAM + 1, 1);
  const features = new Uint32Array(windows);
  for (let i = 0; i < windows; i++) features[i] = xxh32(utf8, starts[i], starts[Math.min(i + NGRAM, points)]);
  return features;
}

export interface TextCode {
  iscc: string;
  characters: number;
}

/** "ISCC:EA…" of a plain text (markup already removed). */
export function textCode(text: string, bits = 64): TextCode {
  const collapsed = collapseText(text);
  return {
    iscc: encodeUnit(MainType.CONTENT, ContentType.TEXT, 0, bits, minhash256(distinctFeatures(featureSequence(collapsed)))),
    characters: characterCount(collapsed),
  };
}

/** Eighths of the text whose MinHashes are kept apart: every half-length excerpt window is a union of four. */
const BLOCKS = 8;
const WINDOW_BLOCKS = 4;

export interface TextCodes extends TextCode {
  /**
   * Text-Codes of the five half-length windows starting at 0, ⅛, ¼, ⅜ and ½ of the text: a
   * copy that is an excerpt of half the text is near one of them, where its distance to the
   * whole text's code is ~16 bits (half the n-grams shared). MinHash composes by minimum, so
   * the windows cost one MinHash of the text in all.
   */
  windows: string[];
}

/** The Text-Code of a text and of its half-length windows (64 bits each). */
export function textCodes(text: string): TextCodes {
  const collapsed = collapseText(text);
  const features = featureSequence(collapsed);
  const blocks: Uint32Array[] = [];
  for (let b = 0; b < BLOCKS; b++) {
    const part = features.subarray(Math.floor((b * features.length) / BLOCKS), Math.floor(((b + 1) * features.length) / BLOCKS));
    blocks.push(minhash(distinctFeatures(part)));
  }
  const code = (from: number, to: number) => {
    const mins = Uint32Array.from(blocks[from]);
    for (let b = from + 1; b < to; b++) for (let k = 0; k < mins.length; k++) if (blocks[b][k] < mins[k]) mins[k] = blocks[b][k];
    return encodeUnit(MainType.CONTENT, ContentType.TEXT, 0, 64, compressMinhash(mins, 4));
  };
  const windows: string[] = [];
  for (let start = 0; start + WINDOW_BLOCKS <= BLOCKS; start++) windows.push(code(start, start + WINDOW_BLOCKS));
  return { iscc: code(0, BLOCKS), characters: characterCount(collapsed), windows };
}
