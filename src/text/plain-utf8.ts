/**
 * The way in for plain UTF-8 text, the common case and the one that must label a megabyte in
 * milliseconds: the bytes are never decoded to a string and encoded back (that round trip,
 * not signing, was most of the time). Returns undefined whenever the general path is needed —
 * another encoding, Markdown or HTML, or text that may hold an A.9/A.7 carrier — and that
 * path then produces the same output. Old A.8 wrappers are cut here, on bytes.
 */
import { isUtf8 } from 'node:buffer';
import type { TextFormat } from '../media/sniff.js';
import { findA8WrapperBytes } from './a8-wrapper.js';
import { bomlessUtf16 } from './encoding.js';
import { detectTextFormat } from './format.js';
import { isSurelyNfc } from './nfc-quick.js';

export interface PlainUtf8 {
  /** The visible text as UTF-8: without BOM and old wrappers, NFC. */
  body: Buffer;
  /** How many A.8 wrappers the input carried. */
  carriers: number;
}

/** detectTextFormat reads the first 65 536 UTF-16 units. */
const HEAD_UNITS = 65536;

/** A.9 blocks and A.7 elements all spell "c2pa" in ASCII (A.7 case-insensitively). */
const C2PA_SPELLINGS = ['c', 'C'].flatMap((c) => ['p', 'P'].flatMap((p) => ['a', 'A'].map((a) => Buffer.from(`${c}2${p}${a}`, 'latin1'))));

export function plainUtf8(input: Buffer, hint?: TextFormat): PlainUtf8 | undefined {
  if (hint && hint !== 'txt') return undefined;
  // The same gates as decodeText, so a refusal still comes from there with its message.
  const bom = input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf;
  const bytes = bom ? input.subarray(3) : input;
  if (!isUtf8(bytes) || (!bom && (bytes.includes(0) || bomlessUtf16(bytes)))) return undefined;
  if (detectTextFormat(headOf(bytes), hint) !== 'txt') return undefined;
  if (C2PA_SPELLINGS.some((s) => bytes.includes(s))) return undefined;

  const wrappers = findA8WrapperBytes(bytes);
  let body = wrappers.length ? cut(bytes, wrappers) : bytes;
  // The binding covers NFC text; a text already NFC (the quick check, or ICU's answer) stays as is.
  if (!isSurelyNfc(body)) {
    const text = body.toString('utf8');
    const nfc = text.normalize('NFC');
    if (nfc !== text) body = Buffer.from(nfc, 'utf8');
  }
  return { body, carriers: wrappers.length };
}

/**
 * The start of the text, as much as detectTextFormat reads (decoding costs ~8 ms per MB):
 * characters up to 65 536 UTF-16 units, a 4-byte character counting two.
 */
function headOf(b: Buffer): string {
  let units = 0;
  let i = 0;
  while (i < b.length && units < HEAD_UNITS) {
    const c = b[i];
    if (c < 0x80) i += 1;
    else if (c < 0xe0) i += 2;
    else if (c < 0xf0) i += 3;
    else {
      i += 4;
      units++;
    }
    units++;
  }
  return b.toString('utf8', 0, i);
}

function cut(b: Buffer, ranges: { start: number; end: number }[]): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (const r of ranges) {
    parts.push(b.subarray(at, r.start));
    at = r.end;
  }
  parts.push(b.subarray(at));
  return Buffer.concat(parts);
}
