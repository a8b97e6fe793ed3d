/**
 * The NFC quick check's safe ranges, checked code point by code point against the ICU that
 * ships with Node: each is NFC alone, is not a combining mark, and is never a later part of a
 * canonical decomposition (so it can never compose with what stands before it), and is never
 * reordered against a combining mark (combining class 0; marks such as variation selectors may
 * have class 0 and are safe).
 */
import { expect, it } from 'vitest';
import { NFC_SAFE_RANGES } from '../src/text/nfc-quick.js';

it('every code point in the safe ranges is NFC, combining class 0 and never the second half of a composition', () => {
  const laterParts = new Set<number>();
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const parts = [...String.fromCodePoint(cp).normalize('NFD')];
    for (const p of parts.slice(1)) laterParts.add(p.codePointAt(0)!);
  }
  const wrong: string[] = [];
  for (const [from, to] of NFC_SAFE_RANGES) {
    for (let cp = from; cp <= to; cp++) {
      const s = String.fromCodePoint(cp);
      // U+0334 has combining class 1: a character of any higher class would be moved after it.
      const reordered = `${s}\u0334`.normalize('NFC') !== `${s}\u0334`;
      if (s.normalize('NFC') !== s || reordered || laterParts.has(cp)) wrong.push(cp.toString(16));
    }
  }
  expect(wrong).toEqual([]);
});
