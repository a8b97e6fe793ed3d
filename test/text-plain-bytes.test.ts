/**
 * The byte path for plain UTF-8 (plain-utf8.ts, notice-bytes.ts, nfc-quick.ts) must give
 * exactly what the string path gives: checked here on awkward and on random texts.
 */
import { describe, expect, it } from 'vitest';
import { buildA8Wrapper, a8TargetBytes, findA8WrapperBytes, findA8Wrappers } from '../src/text/a8-wrapper.js';
import { cutCarriers, findCarriers } from '../src/text/carriers.js';
import { decodeText } from '../src/text/encoding.js';
import { detectTextFormat } from '../src/text/format.js';
import { isSurelyNfc, NFC_SAFE_RANGES } from '../src/text/nfc-quick.js';
import { plainUtf8 } from '../src/text/plain-utf8.js';
import { planMarkdown, planPlain, planPlainBytes } from '../src/text/plans.js';
import { trailingBlankLength } from '../src/text/notice.js';
import { DEFAULT_WORDING } from '../src/domain/wording.js';

const WORDING = { kk: DEFAULT_WORDING.kk, ru: DEFAULT_WORDING.ru };
const NOTICE = `⚠ ${DEFAULT_WORDING.kk} / ${DEFAULT_WORDING.ru}`;
const TOKENS = [
  '\n',
  '\r\n',
  '\r',
  ' ',
  '\t',
  '\u00a0',
  '\u3000',
  '\uFEFF',
  '⚠ ',
  NOTICE,
  '⚠ Автор',
  'word',
  'Қазақ',
  'е\u0308',
  '❤️',
  '👍🏽',
  ' / ',
  ' '.repeat(10),
];

/** A small deterministic generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

function randomText(next: () => number): string {
  const n = Math.floor(next() * 14);
  let s = '';
  for (let i = 0; i < n; i++) s += TOKENS[Math.floor(next() * TOKENS.length)];
  return s;
}

const AWKWARD = [
  '',
  '\n',
  ' \t\r\n\n',
  'abc',
  'abc\n',
  'a\r\nb\r\n',
  'x\r',
  '\u00a0\n',
  '\u2028',
  `${NOTICE}\n\nbody\n`,
  `\n \n${NOTICE}\r\n\r\nbody`,
  `body\n\n${NOTICE}\n`,
  `body\r\n\r\n${NOTICE}\r\n`,
  `body\n\n${NOTICE}`,
  `\uFEFF${NOTICE}\nbody`,
  `⚠ Автор\n\nbody\n\n⚠ Автор`,
  `body\n${' '.repeat(80)}\n${NOTICE}\n`,
  `body\n\n${NOTICE}${' \n'.repeat(3000)}`,
  `${NOTICE}\n${' '.repeat(70)}\nbody`,
  `${NOTICE}\n${' '.repeat(30)}\nbody`,
  `body\n${' '.repeat(30)}\n${NOTICE}\n`,
  `only ${NOTICE} inside\n`,
];

describe('planPlainBytes', () => {
  const cases = [...AWKWARD, ...Array.from({ length: 3000 }, (_, i) => randomText(rng(i + 1)))].map((s) => s.normalize('NFC'));
  it.each(['start', 'end'] as const)('matches planPlain, placement %s, on awkward and random texts', (placement) => {
    for (const text of cases) {
      for (const labelled of [false, true]) {
        const want = planPlain(text, WORDING, placement, labelled).before;
        const got = planPlainBytes(Buffer.from(text, 'utf8'), WORDING, placement, labelled).before;
        if (!got.equals(want)) expect({ text, labelled, got: got.toString('utf8') }).toEqual({ text, labelled, got: want.toString('utf8') });
      }
    }
  });
});

/** What the string path makes of the same bytes: decode, cut every carrier, NFC. */
function viaStrings(input: Buffer): { body: Buffer; carriers: number } {
  const text = decodeText(input).text;
  const carriers = findCarriers(text);
  return { body: Buffer.from(cutCarriers(text, carriers).normalize('NFC'), 'utf8'), carriers: carriers.length };
}

describe('plainUtf8', () => {
  const wrapper = (seed: number) => {
    const next = rng(seed);
    const store = Buffer.from(Array.from({ length: 40 + Math.floor(next() * 300) }, () => Math.floor(next() * 256)));
    return buildA8Wrapper(store, a8TargetBytes(store.length)).toString('utf8');
  };

  it('cuts wrappers and normalises exactly as the string path does', () => {
    let fast = 0;
    for (let i = 1; i <= 1500; i++) {
      const next = rng(i * 7919);
      let text = randomText(next);
      if (next() < 0.5) text += wrapper(i);
      if (next() < 0.2) text = wrapper(i + 1) + text + wrapper(i + 2);
      const bytes = Buffer.concat([next() < 0.2 ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0), Buffer.from(text, 'utf8')]);
      const got = plainUtf8(bytes);
      if (!got) continue;
      fast++;
      expect(got.carriers).toBe(viaStrings(bytes).carriers);
      expect(got.body.toString('utf8')).toBe(viaStrings(bytes).body.toString('utf8'));
    }
    expect(fast).toBeGreaterThan(1000);
  });

  it('leaves to the string path what it does not handle', () => {
    expect(plainUtf8(Buffer.from('see -----BEGIN C2PA MANIFEST----- x -----END C2PA MANIFEST-----'))).toBeUndefined();
    expect(plainUtf8(Buffer.from('<SCRIPT type="Application/C2pa">AAAA</script> text'))).toBeUndefined();
    expect(plainUtf8(Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]))).toBeUndefined(); // Windows-1251
    expect(plainUtf8(Buffer.from([0xff, 0xfe, 0x41, 0x00]))).toBeUndefined(); // UTF-16
    expect(plainUtf8(Buffer.from('a\0b'))).toBeUndefined();
    expect(plainUtf8(Buffer.from('plain'), 'md')).toBeUndefined();
    expect(plainUtf8(Buffer.from('# Title\n\n**bold** and [a link](https://example.kz)\n'))).toBeUndefined();
  });

  it('judges the format on the same 64 Ki UTF-16 units as detectTextFormat', () => {
    const mdTail = '\n# Heading\n\n**bold** [link](https://x.kz)\n';
    for (const unit of ['a', 'ж', '—', '😀']) {
      for (const shift of [-40, -2, 0, 2]) {
        const fill = unit.repeat(Math.floor((65536 + shift - 8) / unit.length));
        const bytes = Buffer.from(fill + mdTail, 'utf8');
        expect(plainUtf8(bytes) === undefined).toBe(detectTextFormat(decodeText(bytes).text) !== 'txt');
      }
    }
  });
});

describe('findA8WrapperBytes', () => {
  it('finds the same wrappers as the string search, for stores holding every byte value', () => {
    const store = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
    const w = buildA8Wrapper(store, a8TargetBytes(store.length) + 7).toString('utf8');
    const text = `a ❤️\uFEFF b${w}c\uFE0F${w}`;
    const bytes = Buffer.from(text, 'utf8');
    const inText = findA8Wrappers(text);
    expect(inText).toHaveLength(2);
    expect(inText.every((f) => f.store?.equals(store))).toBe(true);
    expect(findA8WrapperBytes(bytes)).toEqual(
      inText.map((f) => ({ start: Buffer.byteLength(text.slice(0, f.start)), end: Buffer.byteLength(text.slice(0, f.end)) })),
    );
  });
});

describe('isSurelyNfc', () => {
  it('lists only code points that are NFC_QC=Yes, combining class 0 and never second in a composition', () => {
    // Second halves of canonical compositions appear after the first code point of some NFD.
    const second = new Set<number>();
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const s = String.fromCodePoint(cp);
      const d = s.normalize('NFD');
      if (d !== s) for (const c of [...d].slice(1)) second.add(c.codePointAt(0)!);
    }
    const bad: string[] = [];
    for (const [lo, hi] of NFC_SAFE_RANGES) {
      for (let cp = lo; cp <= hi; cp++) {
        const s = String.fromCodePoint(cp);
        // U+0345 has the highest combining class: a mark with any class > 0 would move before it.
        const starter = ('\u0345' + s).normalize('NFD') === '\u0345' + s.normalize('NFD');
        if (s.normalize('NFC') !== s || second.has(cp) || !starter) bad.push(cp.toString(16));
      }
    }
    expect(bad).toEqual([]);
  });

  it('never says NFC of a text that normalising would change', () => {
    const samples = [...AWKWARD, 'Ё', 'Е\u0308', 'é', 'e\u0301', '한', '\u1100\u1161', 'Ω', '\u2126', 'Å', '\u212b', 'ӘәҒғҚқҢңӨөҰұҮүҺһІі ₸ 😀'];
    for (let i = 1; i <= 500; i++) samples.push(randomText(rng(i * 31)));
    for (const s of samples) if (isSurelyNfc(Buffer.from(s, 'utf8'))) expect(s.normalize('NFC')).toBe(s);
    expect(isSurelyNfc(Buffer.from('Қазақстан ❤️ Алматы — «жаңалық» ₸ 👍🏽', 'utf8'))).toBe(true);
    expect(isSurelyNfc(Buffer.from('Е\u0308', 'utf8'))).toBe(false);
  });
});

describe('trailingBlankLength', () => {
  it('matches the regex it replaces on short texts', () => {
    const next = rng(99);
    const alphabet = [' ', '\t', '\n', '\r', 'x'];
    for (let i = 0; i < 5000; i++) {
      const s = Array.from({ length: Math.floor(next() * 12) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
      expect(trailingBlankLength(s)).toBe(/(?:[ \t]*\r?\n|[ \t]+)*$/.exec(s)![0].length);
    }
  });

  it('keeps a long run of spaces near the end from stalling the label (it used to backtrack for minutes)', () => {
    const body = `Кесте:\n${' '.repeat(60)}| A | B |\n${' '.repeat(60)}x\n`;
    const started = performance.now();
    planMarkdown(body, WORDING, 'end', true, 'trainedAlgorithmicMedia');
    planPlain(body, WORDING, 'end', true);
    planPlainBytes(Buffer.from(body), WORDING, 'end', true);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
