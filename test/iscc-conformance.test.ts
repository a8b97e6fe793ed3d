/**
 * ISCC (ISO 24138) conformance: every gen_text_code_v0 and gen_image_code_v0 vector of the
 * reference's conformance file, plus the parts underneath (xxHash32, the MinHash arithmetic
 * against BigInt, the code format round trip).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeDistance, decodeUnit, encodeUnit, imageCode, textCode, textCodes } from '../src/domain/iscc/index.js';
import { dct } from '../src/domain/iscc/image-code.js';
import { base32Decode, base32Encode } from '../src/domain/iscc/codec.js';
import { MINHASH_A_BIG, MINHASH_B_BIG } from '../src/domain/iscc/minhash-params.js';
import { permute } from '../src/domain/iscc/minhash.js';
import { collapseText } from '../src/domain/iscc/text-code.js';
import { xxh32 } from '../src/domain/iscc/xxh32.js';
import { ROOT } from './helpers/context.js';
import { mulberry32 } from './helpers/rng.js';

interface Vector {
  inputs: unknown[];
  outputs: Record<string, unknown>;
}
const conformance = JSON.parse(fs.readFileSync(path.join(ROOT, 'fixtures/peer/iscc/conformance.json'), 'utf8')) as Record<string, Record<string, Vector>>;

describe('gen_text_code_v0', () => {
  const vectors = Object.entries(conformance.gen_text_code_v0);
  it('has the vectors', () => expect(vectors.length).toBeGreaterThanOrEqual(5));
  for (const [name, v] of vectors) {
    it(name, () => {
      const [text, bits] = v.inputs as [string, number];
      expect(textCode(text, bits)).toEqual({ iscc: v.outputs.iscc, characters: v.outputs.characters });
      // The whole-text code that textCodes composes from block MinHashes is the same code.
      if (bits === 64) expect(textCodes(text).iscc).toBe(v.outputs.iscc);
    });
  }
});

describe('gen_image_code_v0', () => {
  const vectors = Object.entries(conformance.gen_image_code_v0);
  it('has the vectors', () => expect(vectors.length).toBeGreaterThanOrEqual(3));
  for (const [name, v] of vectors) {
    it(name, () => {
      const [pixels, bits] = v.inputs as [number[], number];
      expect(imageCode(pixels, bits)).toBe(v.outputs.iscc);
    });
  }
});

describe('the parts', () => {
  it('textCodes gives the same whole-text code as textCode for long texts, and windows that match their excerpts', () => {
    const words = Array.from({ length: 3000 }, (_, i) => `сөз${(i * 7919) % 1009}`).join(' ');
    const codes = textCodes(words);
    expect(codes.iscc).toBe(textCode(words).iscc);
    expect(codes.windows).toHaveLength(5);
    const half = words.slice(0, Math.floor(words.length / 2));
    expect(Math.min(...codes.windows.map((w) => codeDistance(w, textCode(half).iscc)!))).toBeLessThanOrEqual(4);
  });

  it('the DCT (preallocated, in place) equals the plain recursion of the reference to the last bit', () => {
    // The reference's recursion, written plainly: the oracle for the allocation-free one.
    const plain = (v: number[]): number[] => {
      if (v.length === 1) return [v[0]];
      const n = v.length;
      const half = n / 2;
      const alpha = Array.from({ length: half }, (_, i) => v[i] + v[n - 1 - i]);
      const beta = Array.from({ length: half }, (_, i) => (v[i] - v[n - 1 - i]) / (Math.cos(((i + 0.5) * Math.PI) / n) * 2.0));
      const a = plain(alpha);
      const b = plain(beta);
      const out: number[] = [];
      for (let i = 0; i < half - 1; i++) out.push(a[i], b[i] + b[i + 1]);
      out.push(a[half - 1], b[half - 1]);
      return out;
    };
    const rnd = mulberry32(13);
    for (let t = 0; t < 300; t++) {
      const n = 2 ** (t % 6);
      const v = Array.from({ length: n }, () => (t % 2 ? Math.floor(rnd() * 256) : rnd() * 255));
      const want = plain(v);
      const got = dct(v);
      for (let i = 0; i < n; i++) expect(Object.is(got[i], want[i]), `n=${n} i=${i}`).toBe(true);
    }
    expect(() => dct([1, 2, 3])).toThrow(RangeError);
  });

  it('xxHash32 gives the published values', () => {
    expect(xxh32(Buffer.alloc(0))).toBe(0x02cc5d05);
    expect(xxh32(Buffer.from('a'))).toBe(0x550d7456);
    expect(xxh32(Buffer.from('abc'))).toBe(0x32d153ff);
    expect(xxh32(Buffer.from('Nobody inspects the spammish repetition'))).toBe(0xe2293b2f);
  });

  it('the MinHash permutation on plain numbers equals the BigInt formula, edge values included', () => {
    const rng = mulberry32(16);
    const features = [0, 1, 0xffffffff, 0x80000000, 0x7fffffff, ...Array.from({ length: 400 }, () => Math.floor(rng() * 2 ** 32))];
    const M64 = (1n << 64n) - 1n;
    const P = (1n << 61n) - 1n;
    for (const f of features) {
      for (let k = 0; k < 64; k++) {
        const want = Number((((MINHASH_A_BIG[k] * BigInt(f) + MINHASH_B_BIG[k]) & M64) % P) & 0xffffffffn);
        expect(permute(k, f), `k=${k} f=${f}`).toBe(want);
      }
    }
  });

  it('base32 and the unit header round-trip; codes of one kind compare by Hamming distance', () => {
    const bytes = Uint8Array.from([0, 1, 2, 250, 255, 7, 9]);
    expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
    expect(base32Decode('EAASL4F2WZY7KBX!')).toBeUndefined();
    const unit = decodeUnit('ISCC:EADSKDNZNYGUUF5AMFEJLZ5P66CP5YKCOA3X7F36RWE4CIRCBTUWXYY');
    expect(unit).toMatchObject({ mainType: 2, subType: 0, version: 0, bits: 256 });
    expect(encodeUnit(2, 0, 0, 64, unit!.digest)).toBe('ISCC:EAASKDNZNYGUUF5A');
    expect(codeDistance('ISCC:EAASKDNZNYGUUF5A', 'iscc:eadskdnznyguuf5amfejlz5p66cp5ykcoa3x7f36rwe4circbtuwxyy')).toBe(0);
    expect(codeDistance('ISCC:EAASKDNZNYGUUF5A', 'ISCC:EEAQAAAAAAAAAAAA')).toBeUndefined(); // a text and an image
    for (const bad of ['', 'ISCC:', 'ISCC:E', 'ISCC:AAAAAAAAAAAAAAAA', 'ISCC:EAASKDNZNYGUUF5', `ISCC:${'A'.repeat(5000)}`, 'ISCC:EAASKDNZNYGUUF5AA'])
      expect(decodeUnit(bad), bad).toBeUndefined();
  });

  it('collapses texts as the reference: marks, punctuation, whitespace, controls and invisible characters go', () => {
    expect(collapseText('Hello, World!')).toBe('helloworld');
    expect(collapseText('Қазақ\u200b тілі\ufe0f\u00ad.')).toBe('қазақтілі');
    expect(collapseText('\ud800 lone')).toBe('lone');
    expect(collapseText('ﬁ ①')).toBe('fi1');
  });
});
