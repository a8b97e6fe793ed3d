/** Newsroom archives come in many encodings: each is read intact, or refused with a reason. */
import fs from 'node:fs';
import path from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeText } from '../src/text/encoding.js';

const FIX = path.resolve(import.meta.dirname, '../fixtures/text');
const RU = fs.readFileSync(path.join(FIX, 'ru-utf8.txt'), 'utf8');

describe('decodeText', () => {
  it.each([
    ['ru-utf8.txt', 'utf-8', false],
    ['ru-utf8-bom.txt', 'utf-8', true],
    ['ru-utf16le-bom.txt', 'utf-16le', true],
    ['ru-cp1251.txt', 'windows-1251', false],
    ['ru-koi8r.txt', 'koi8-r', false],
  ] as const)('reads %s as %s, the same Russian text', (file, encoding, bom) => {
    const d = decodeText(fs.readFileSync(path.join(FIX, file)));
    expect(d).toEqual({ text: RU, encoding, bom });
  });

  it('reads UTF-16 big-endian with BOM', () => {
    const le = Buffer.from(RU, 'utf16le');
    const be = Buffer.alloc(le.length);
    for (let i = 0; i < le.length; i += 2) [be[i], be[i + 1]] = [le[i + 1], le[i]];
    expect(decodeText(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toMatchObject({ text: RU, encoding: 'utf-16be' });
  });

  it('reads UTF-16 without BOM when its byte pattern is clear (either byte order)', () => {
    const le = Buffer.from(RU, 'utf16le');
    expect(decodeText(le)).toEqual({ text: RU, encoding: 'utf-16le', bom: false });
    expect(decodeText(Buffer.from(le).swap16())).toEqual({ text: RU, encoding: 'utf-16be', bom: false });
  });

  it('tells Windows-1251 from KOI8-R on a short sentence', () => {
    const s = 'Привет, как дела у редакции?';
    expect(decodeText(iconv.encode(s, 'windows-1251'))).toMatchObject({ text: s, encoding: 'windows-1251' });
    expect(decodeText(iconv.encode(s, 'koi8-r'))).toMatchObject({ text: s, encoding: 'koi8-r' });
  });

  it.each(['windows-1251', 'koi8-r'])('reads an all-capital headline in %s (case alone cannot decide)', (enc) => {
    const s = 'СРОЧНО: НОВОСТИ ДНЯ ИЗ АСТАНЫ';
    expect(decodeText(iconv.encode(s, enc))).toMatchObject({ text: s, encoding: enc });
  });

  it.each([
    ['Latin-1 French', fs.readFileSync(path.join(FIX, 'undecidable-latin1.txt'))],
    ['UTF-16 without BOM whose content is not text', Buffer.from('\u0001\u0002A'.repeat(40), 'utf16le')],
    ['too few Cyrillic letters to judge', iconv.encode('OK: Да', 'windows-1251')],
    ['random high bytes', Buffer.from(Array.from({ length: 64 }, (_, i) => 0x80 + ((i * 37) % 64)))],
    ['a UTF-8 BOM before invalid UTF-8', Buffer.from([0xef, 0xbb, 0xbf, 0xc3, 0x28])],
  ])('refuses %s with text_encoding_undecidable', (_name, bytes) => {
    expect(() => decodeText(bytes)).toThrow(expect.objectContaining({ code: 'text_encoding_undecidable', message: expect.stringMatching(/UTF-8/) }));
  });
});
