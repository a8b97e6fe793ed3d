/**
 * A byte-level NFC quick check for UTF-8 text, so a large text already in NFC (nearly all
 * newsroom copy) is not decoded to a string just to find that normalising changes nothing.
 * "Surely NFC" here means every code point is NFC_QC=Yes, has combining class 0 and is
 * never the second half of a canonical composition: by UAX #15 such a text is NFC. Anything
 * else (combining marks, Hangul jamo, scripts not listed) answers false and gets the full pass.
 */

/** Inclusive ranges; test/text-nfc-quick.test.ts checks every code point against ICU. */
export const NFC_SAFE_RANGES: readonly (readonly [number, number])[] = [
  [0x0000, 0x02ff], // ASCII, Latin-1, Latin Extended A/B, IPA, spacing modifiers
  [0x0370, 0x0373],
  [0x0375, 0x037d],
  [0x037f, 0x0386],
  [0x0388, 0x03ff], // Greek
  [0x0400, 0x0482],
  [0x0488, 0x052f], // Cyrillic (Kazakh letters included), supplement
  [0x2002, 0x20cf],
  [0x20f1, 0x2125],
  [0x2127, 0x2129],
  [0x212c, 0x2328],
  [0x232b, 0x2adb],
  [0x2add, 0x2bff], // punctuation, currency (₸), symbols, dingbats
  [0x3000, 0x3029],
  [0x3030, 0x3098],
  [0x309b, 0x30ff], // CJK punctuation, kana
  [0x4e00, 0x9fff], // CJK ideographs
  [0xac00, 0xd7a3], // Hangul syllables
  [0xfe00, 0xfe0f], // variation selectors (emoji presentation ❤️)
  [0xfeff, 0xfeff],
  [0xff00, 0xffef], // half/full-width forms
  [0x1f000, 0x1faff], // emoji and pictographs
];

/** One bit per BMP code point: the hot loop does a lookup, not a range search. */
const BMP_SAFE = new Uint8Array(0x10000 >> 3);
const ASTRAL_SAFE = NFC_SAFE_RANGES.filter(([, hi]) => hi > 0xffff);
for (const [lo, hi] of NFC_SAFE_RANGES) {
  for (let cp = lo; cp <= Math.min(hi, 0xffff); cp++) BMP_SAFE[cp >> 3] |= 1 << (cp & 7);
}

/**
 * Per 2-byte lead byte (U+0080–U+07FF come in blocks of 64): 1 = all 64 code points safe,
 * 0 = none, 2 = look at the code point. Cyrillic text then costs one lookup per letter.
 */
const LEAD2 = new Uint8Array(0x20);
for (let lead = 0; lead < 0x20; lead++) {
  let safe = 0;
  for (let cp = lead << 6; cp < (lead + 1) << 6; cp++) if (bmpSafe(cp)) safe++;
  LEAD2[lead] = safe === 64 ? 1 : safe === 0 ? 0 : 2;
}

function bmpSafe(cp: number): boolean {
  return (BMP_SAFE[cp >> 3] & (1 << (cp & 7))) !== 0;
}

/** True when the (valid) UTF-8 bytes are certainly NFC; false means "normalise to find out". */
export function isSurelyNfc(b: Uint8Array): boolean {
  const n = b.length;
  for (let i = 0; i < n; i++) {
    const c = b[i];
    if (c < 0xc0) continue; // ASCII, or a continuation byte of a character already judged
    if (c < 0xe0) {
      const kind = LEAD2[c & 0x1f];
      if (kind === 1) continue;
      if (kind === 0 || !bmpSafe(((c & 0x1f) << 6) | (b[i + 1] & 0x3f))) return false;
    } else if (c < 0xf0) {
      if (!bmpSafe(((c & 0x0f) << 12) | ((b[i + 1] & 0x3f) << 6) | (b[i + 2] & 0x3f))) return false;
    } else {
      const cp = ((c & 0x07) << 18) | ((b[i + 1] & 0x3f) << 12) | ((b[i + 2] & 0x3f) << 6) | (b[i + 3] & 0x3f);
      if (!astralSafe(cp)) return false;
    }
  }
  return true;
}

function astralSafe(cp: number): boolean {
  for (const [lo, hi] of ASTRAL_SAFE) if (cp >= lo && cp <= hi) return true;
  return false;
}
