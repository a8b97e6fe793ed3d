/** UTF-16 without a byte-order mark, told from its byte pattern: media sniffing and text decoding both ask. */

/** High bytes of the UTF-16 code units of Latin, Cyrillic (Kazakh included) and common punctuation. */
const COMMON_HIGH = new Set([0x00, 0x01, 0x04, 0x20, 0x21]);

/**
 * UTF-16 without a byte-order mark, told from its byte pattern in the first 64 KB: in text of
 * Latin or Cyrillic script nearly every high byte is 0x00 or 0x04 (and a few punctuation
 * pages), while the low bytes vary. 'unclear' when NUL bytes sit on one side only but the
 * text does not decode cleanly: UTF-16 in shape, unreadable in content.
 */
export function bomlessUtf16(bytes: Buffer): 'utf-16le' | 'utf-16be' | 'unclear' | undefined {
  const sample = bytes.subarray(0, Math.min(bytes.length, 65536) & ~1);
  const units = sample.length / 2;
  if (units < 2) return undefined;
  const nul = [0, 0];
  const common = [0, 0];
  const core = [0, 0]; // 0x00 or 0x04: the Latin and Cyrillic pages themselves
  for (let i = 0; i < sample.length; i++) {
    const b = sample[i];
    if (b === 0) nul[i & 1]++;
    if (COMMON_HIGH.has(b)) common[i & 1]++;
    if (b === 0 || b === 0x04) core[i & 1]++;
  }
  // Which side holds the high bytes: odd offsets in little endian, even in big endian.
  const hi = common[1] >= common[0] ? 1 : 0;
  const lo = 1 - hi;
  const shaped = nul[hi] >= units * 0.1 && nul[lo] <= nul[hi] * 0.02;
  const clear = core[hi] >= units * 0.5 && common[hi] >= units * 0.9 && nul[lo] === 0 && common[lo] <= units * 0.5;
  if (!clear) return shaped ? 'unclear' : undefined;
  const enc = hi === 1 ? 'utf-16le' : 'utf-16be';
  if (bytes.length % 2 !== 0 || !readsAsText(sample, enc)) return 'unclear';
  return enc;
}

/** Decodes cleanly, and no control characters other than tab, line ends and form feed. */
function readsAsText(sample: Buffer, enc: 'utf-16le' | 'utf-16be'): boolean {
  let text: string;
  try {
    // The sample may end inside a surrogate pair: not fatal here, the full decode checks.
    text = new TextDecoder(enc, { ignoreBOM: true }).decode(sample);
  } catch {
    return false;
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0c && c !== 0x0d) || (c >= 0x7f && c < 0xa0)) return false;
  }
  return true;
}
