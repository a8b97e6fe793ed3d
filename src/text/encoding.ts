/**
 * Turns text bytes into a JavaScript string, whatever the newsroom archive used: UTF-8 with
 * or without BOM, UTF-16 with BOM, or legacy Cyrillic Windows-1251 / KOI8-R. When the bytes
 * cannot be told apart we refuse instead of guessing: a wrong guess is mojibake under a
 * signed label.
 */
import iconv from 'iconv-lite';
import { LabellerError } from '../domain/errors.js';
import { bomlessUtf16 } from '../media/utf16.js';

export { bomlessUtf16 };

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1251' | 'koi8-r';

export interface DecodedText {
  text: string;
  encoding: TextEncoding;
  /** The input started with a byte-order mark (dropped from `text`). */
  bom: boolean;
}

const UNDECIDABLE =
  'the text encoding cannot be determined: it is not UTF-8 or UTF-16 with a byte-order mark, and it does not read clearly as Russian/Kazakh in Windows-1251 or KOI8-R; save the file as UTF-8 and try again';

export function decodeText(bytes: Buffer): DecodedText {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: utf8(bytes.subarray(3)), encoding: 'utf-8', bom: true };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: utf16(bytes.subarray(2), 'utf-16le'), encoding: 'utf-16le', bom: true };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: utf16(bytes.subarray(2), 'utf-16be'), encoding: 'utf-16be', bom: true };
  const u16 = bomlessUtf16(bytes);
  if (u16 === 'unclear') throw new LabellerError('text_encoding_undecidable', UTF16_UNCLEAR);
  if (u16) return { text: utf16(bytes, u16, 'its byte pattern'), encoding: u16, bom: false };
  if (bytes.includes(0)) throw new LabellerError('text_encoding_undecidable', UNDECIDABLE);
  const asUtf8 = tryUtf8(bytes);
  if (asUtf8 !== undefined) return { text: asUtf8, encoding: 'utf-8', bom: false };
  const legacy = pickCyrillic(bytes);
  if (!legacy) throw new LabellerError('text_encoding_undecidable', UNDECIDABLE);
  return { text: iconv.decode(bytes, legacy), encoding: legacy, bom: false };
}

function utf8(bytes: Buffer): string {
  const s = tryUtf8(bytes);
  if (s === undefined)
    throw new LabellerError('text_encoding_undecidable', 'the file starts with a UTF-8 byte-order mark but is not valid UTF-8; save it as UTF-8 again');
  return s;
}

function tryUtf8(bytes: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function utf16(bytes: Buffer, enc: 'utf-16le' | 'utf-16be', why = 'byte-order mark'): string {
  if (bytes.length % 2 !== 0) throw new LabellerError('text_encoding_undecidable', `the file claims UTF-16 (${why}) but has an odd number of bytes`);
  try {
    return new TextDecoder(enc, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new LabellerError('text_encoding_undecidable', `the file claims UTF-16 (${why}) but holds invalid UTF-16`);
  }
}

const UTF16_UNCLEAR =
  'the file looks like UTF-16 without a byte-order mark (every other byte is NUL) but does not read clearly as text in either byte order; save it as UTF-8 and try again';

/**
 * In both code pages 0xC0–0xFF are the 64 Cyrillic letters, arranged differently, so either
 * reading gives "letters". Russian and Kazakh text is about 40 % vowels; the wrong reading
 * maps vowels onto consonants and the share falls far from that. Case helps too: the right
 * reading capitalises word starts ("Привет"), the wrong one inverts them ("пРИВЕТ").
 */
function pickCyrillic(bytes: Buffer): 'windows-1251' | 'koi8-r' | undefined {
  if (!looksLikeCyrillicText(bytes)) return undefined;
  const scores = (['windows-1251', 'koi8-r'] as const).map((enc) => ({ enc, ...scoreReading(iconv.decode(bytes, enc)) }));
  const [a, b] = scores.sort((x, y) => y.score - x.score);
  if (a.letters < 4 || a.score < 0.5 || a.score - b.score < 0.25) return undefined;
  return a.enc;
}

const VOWELS = new Set('аеёиоуыэюяәөұүі');

function scoreReading(text: string): { score: number; letters: number } {
  let letters = 0;
  let vowels = 0;
  let titleWords = 0;
  let invertedWords = 0;
  for (const word of text.match(/[\u0400-\u04FF]+/g) ?? []) {
    for (const ch of word) {
      letters++;
      if (VOWELS.has(ch.toLowerCase())) vowels++;
    }
    if (word.length < 2) continue;
    const first = word[0];
    const rest = word.slice(1);
    if (first !== first.toLowerCase() && rest === rest.toLowerCase()) titleWords++;
    if (first === first.toLowerCase() && rest === rest.toUpperCase() && rest !== rest.toLowerCase()) invertedWords++;
  }
  if (!letters) return { score: 0, letters };
  const share = vowels / letters;
  // 1 at the usual 42 % vowel share, 0 at 22 % or 62 %; case pattern nudges by up to 0.3.
  const vowelFit = Math.max(0, 1 - Math.abs(share - 0.42) / 0.2);
  const words = titleWords + invertedWords;
  const caseFit = words ? (0.3 * (titleWords - invertedWords)) / words : 0;
  return { score: vowelFit + caseFit, letters };
}

/** Stray high bytes inside Latin words (é, ü in Latin-1) are not Cyrillic text. */
function looksLikeCyrillicText(bytes: Buffer): boolean {
  let cyr = 0;
  let other = 0; // 0x80–0xBF: punctuation in one page, box drawing in the other
  let runs = 0;
  let mixed = 0;
  let inRun = false;
  let runLatin = false;
  let runCyr = false;
  for (let i = 0; i <= bytes.length; i++) {
    const b = i < bytes.length ? bytes[i] : 0x20;
    const isCyr = b >= 0xc0;
    const isLatin = (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
    if (isCyr) cyr++;
    else if (b >= 0x80) other++;
    if (isCyr || isLatin) {
      inRun = true;
      runLatin ||= isLatin;
      runCyr ||= isCyr;
    } else if (inRun) {
      if (runCyr) runs++;
      if (runCyr && runLatin) mixed++;
      inRun = runLatin = runCyr = false;
    }
  }
  return cyr >= 4 && runs > 0 && mixed / runs <= 0.2 && other <= cyr / 4;
}
