/**
 * Labelling texts end to end with the real signer and c2pa-node's reader: each format gets a
 * visible notice and one signed manifest that verifies, detects edits, and is replaced (not
 * stacked) on relabelling.
 */
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Reader } from '@contentauth/c2pa-node';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/startup.js';
import type { CoreContext } from '../src/core/types.js';
import { MARK_ASSERTION } from '../src/provenance/manifest.js';
import { labelText } from '../src/core/label-text.js';
import { verify } from '../src/core/verify.js';
import { findCarriers } from '../src/text/carriers.js';
import { DEFAULT_WORDING } from '../src/domain/wording.js';

const FIX = path.resolve(import.meta.dirname, '../fixtures/text');
const fixture = (name: string) => fs.readFileSync(path.join(FIX, name));
const RU = fs.readFileSync(path.join(FIX, 'ru-utf8.txt'), 'utf8');

let ctx: CoreContext;
let tmp: string;
beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'labeller-text-label-'));
  ctx = await createContext({ config: loadConfig({ DATA_DIR: tmp } as NodeJS.ProcessEnv), records: false });
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const count = (s: string, needle: string) => s.split(needle).length - 1;

/** The store a labelled file carries, read back as a bare manifest store. */
async function readBareStore(out: Buffer) {
  const carriers = findCarriers(out.toString('utf8'));
  expect(carriers).toHaveLength(1);
  const reader = await Reader.fromAsset({ buffer: carriers[0].store!, mimeType: 'application/c2pa' }, { verify: { remote_manifest_fetch: false } } as never);
  return { carrier: carriers[0], json: reader!.json() as unknown as Record<string, any> };
}

const CASES = [
  { file: 'kk-emoji-nfd.txt', format: 'txt', carrier: 'A.8', word: 'Министр', keep: ['❤️', '👍🏽'] },
  { file: 'ru-utf8.txt', format: 'txt', carrier: 'A.8', word: 'форум', keep: [] },
  { file: 'ru-cp1251.txt', format: 'txt', carrier: 'A.8', word: 'форум', keep: [RU.split('\n')[0]] },
  { file: 'ru-koi8r.txt', format: 'txt', carrier: 'A.8', word: 'форум', keep: [RU.split('\n')[0]] },
  { file: 'ru-utf16le-bom.txt', format: 'txt', carrier: 'A.8', word: 'форум', keep: [RU.split('\n')[0]] },
  {
    file: 'article.md',
    format: 'md',
    carrier: 'A.9',
    word: 'талап',
    keep: ['title: "Жасанды интеллект туралы заң"', 'author: Редакция', 'tags: [ai, law]', '# Заң күшіне енді', '[Толығырақ](https://example.kz/law)'],
  },
  {
    file: 'page.html',
    format: 'html',
    carrier: 'A.7',
    word: 'обзор',
    keep: [
      '<title>Новости</title>',
      '<link rel="stylesheet" href="/site.css">',
      '<h1>Закон об ИИ вступил в силу</h1>',
      '<p>Редакция подготовила <em>обзор</em> новых правил.</p>',
    ],
  },
  {
    file: 'fragment.html',
    format: 'html',
    carrier: 'A.7',
    word: 'событие',
    keep: ['<h2>Обзор недели</h2>', '<p>Главные события &amp; комментарии экспертов.</p>'],
  },
] as const;

describe.each(CASES)('$file', ({ file, format, carrier, word, keep }) => {
  let out: Buffer;
  beforeAll(async () => {
    const hint = file.endsWith('.md') ? 'md' : file.endsWith('.html') ? 'html' : undefined;
    const res = await labelText(fixture(file), hint ? { textFormat: hint } : {}, ctx);
    expect(res.record).toMatchObject({ kind: 'text', format, placement: 'start', languages: ['kk', 'ru'] });
    expect(res.ext).toBe(format);
    out = res.bytes;
  });

  it('is UTF-8 (no BOM), NFC, keeps its content and shows the notice in kk and ru', () => {
    expect(out.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
    const text = out.toString('utf8');
    expect(Buffer.from(text, 'utf8').equals(out)).toBe(true);
    expect(text).toBe(text.normalize('NFC'));
    for (const k of keep) expect(text).toContain(k.normalize('NFC'));
    expect(count(text, DEFAULT_WORDING.kk)).toBe(1);
    expect(count(text, DEFAULT_WORDING.ru)).toBe(1);
  });

  it('verifies as AI-generated, compliant, signature and binding valid', async () => {
    const v = await verify(out, {}, ctx);
    expect(v.format).toBe(format);
    expect(v.c2pa.state).toBe('valid');
    expect(v.aiGenerated).toBe(true);
    expect(v.tampered).toBe(false);
    expect(v.compliance).toEqual({ machineReadable: true, visibleWarning: true, compliant: true });
    expect(v.c2pa.actions?.[0]).toMatchObject({
      action: 'c2pa.created',
      digitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia',
    });
    expect(v.signals.map((s) => s.source)).toEqual(expect.arrayContaining(['c2pa-text', 'text-notice']));
  });

  it(`carries exactly one ${carrier} store that c2pa-node reads as application/c2pa`, async () => {
    const { carrier: found, json } = await readBareStore(out);
    expect(found.kind).toBe(carrier);
    const codes = (json.validation_status as { code: string }[]).map((s) => s.code);
    // Signature and assertion hashes hold; only the data hash (no text asset given) may fail.
    expect(codes.filter((c) => c !== 'assertion.dataHash.mismatch' && c !== 'signingCredential.untrusted')).toEqual([]);
    const success = (json.validation_results.activeManifest.success as { code: string }[]).map((s) => s.code);
    expect(success).toContain('claimSignature.validated');
    const hashed = (json.validation_results.activeManifest.success as { code: string; url: string }[])
      .filter((s) => s.code === 'assertion.hashedURI.match')
      .map((s) => s.url);
    expect(hashed.some((u) => u.endsWith('c2pa.hash.data'))).toBe(true);
    const active = json.manifests[json.active_manifest];
    expect(active.assertions.find((a: any) => a.label === MARK_ASSERTION)?.data).toMatchObject({ languages: ['kk', 'ru'], placement: 'start', format });
  });

  it('the exclusion covers exactly the carrier bytes, not a byte more', async () => {
    const text = out.toString('utf8');
    const [c] = findCarriers(text);
    const start = Buffer.byteLength(text.slice(0, c.start), 'utf8');
    const end = start + Buffer.byteLength(text.slice(c.start, c.end), 'utf8');
    const flip = (at: number) => {
      const b = Buffer.from(out);
      b[at] = b[at] === 0x78 ? 0x79 : 0x78; // neighbours are ASCII here: swap for 'x'/'y'
      return b;
    };
    expect(out[start - 1]).toBeLessThan(0x80);
    expect((await verify(flip(start - 1), {}, ctx)).tampered).toBe(true);
    if (end < out.length) {
      expect(out[end]).toBeLessThan(0x80);
      expect((await verify(flip(end), {}, ctx)).tampered).toBe(true);
    }
  });

  it('changing one word makes it tampered and invalid', async () => {
    const text = out.toString('utf8');
    const target = text.includes(word) ? word : text.match(/[А-Яа-яӘәҚқҢңӨөҰұҮүІі]{5,}/g)!.find((w) => !Object.values(DEFAULT_WORDING).join(' ').includes(w))!;
    const edited = Buffer.from(text.replace(target, target.slice(0, -1) + 'ы'), 'utf8');
    expect(edited.equals(out)).toBe(false);
    const v = await verify(edited, {}, ctx);
    expect(v.c2pa.state).toBe('invalid');
    expect(v.tampered).toBe(true);
    expect(v.c2pa.codes).toContain('assertion.dataHash.mismatch');
    expect(v.compliance.compliant).toBe(false);
  });

  it('relabelling (placement end) replaces the notice and the manifest', async () => {
    const again = await labelText(out, { placement: 'end', textFormat: format }, ctx);
    const text = again.bytes.toString('utf8');
    expect(count(text, DEFAULT_WORDING.kk)).toBe(1);
    expect(findCarriers(text)).toHaveLength(1);
    expect(count(text, 'ai_generated:')).toBeLessThanOrEqual(1);
    expect(count(text, 'name="ai-generated"')).toBeLessThanOrEqual(1);
    for (const k of keep) expect(text).toContain(k.normalize('NFC'));
    // The notice moved to the end.
    const visible = text.slice(0, findCarriers(text)[0].start) + text.slice(findCarriers(text)[0].end);
    expect(visible.indexOf(DEFAULT_WORDING.kk)).toBeGreaterThan(visible.lastIndexOf(keep[0] ?? word));
    const v = await verify(again.bytes, {}, ctx);
    expect(v.c2pa.state).toBe('valid');
    expect(v.c2pa.visibleWarning?.wording).toEqual({ kk: DEFAULT_WORDING.kk, ru: DEFAULT_WORDING.ru });
    // Back to start: same as the first label apart from the signature.
    const third = await labelText(again.bytes, { placement: 'start', textFormat: format }, ctx);
    const strip = (b: Buffer) => {
      const t = b.toString('utf8');
      const [c] = findCarriers(t);
      return t.slice(0, c.start) + t.slice(c.end);
    };
    expect(strip(third.bytes)).toBe(strip(out));
  });
});

describe('text label options', () => {
  it('uses custom wording and English when asked, and records them', async () => {
    const res = await labelText(fixture('ru-utf8.txt'), { languages: ['kk', 'ru', 'en'], wording: { ru: 'Сгенерировано ИИ' } }, ctx);
    const text = res.bytes.toString('utf8');
    expect(text.startsWith(`⚠ ${DEFAULT_WORDING.kk} / Сгенерировано ИИ / ${DEFAULT_WORDING.en}\n\n`)).toBe(true);
    expect(res.record.wording).toEqual({ kk: DEFAULT_WORDING.kk, ru: 'Сгенерировано ИИ', en: DEFAULT_WORDING.en });
    const v = await verify(res.bytes, {}, ctx);
    expect(v.compliance.compliant).toBe(true);
    // Remove the custom Russian line from the visible text: the recorded wording is no longer all there.
    const edited = Buffer.from(text.replace(' / Сгенерировано ИИ', ''), 'utf8');
    const v2 = await verify(edited, {}, ctx);
    expect(v2.compliance.visibleWarning).toBe(false);
  });

  it('names the AI system as the softwareAgent of the creation', async () => {
    const res = await labelText(
      fixture('article.md'),
      { aiSystem: 'GPT-Writer', aiSystemVersion: '5', sourceType: 'compositeWithTrainedAlgorithmicMedia' },
      ctx,
    );
    const v = await verify(res.bytes, {}, ctx);
    expect(v.c2pa.actions?.[0]).toMatchObject({
      action: 'c2pa.created',
      softwareAgent: 'GPT-Writer 5',
      digitalSourceType: expect.stringMatching(/compositeWithTrainedAlgorithmicMedia$/),
    });
    expect(res.bytes.toString('utf8')).toContain('digital_source_type: http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia');
  });

  it('keeps Windows line ends and inserts the notice with them', async () => {
    const crlf = Buffer.from('Бірінші жол.\r\nЕкінші жол.\r\n');
    const res = await labelText(crlf, { placement: 'end' }, ctx);
    const text = res.bytes.toString('utf8');
    expect(text.startsWith(`Бірінші жол.\r\nЕкінші жол.\r\n\r\n⚠ ${DEFAULT_WORDING.kk} / ${DEFAULT_WORDING.ru}\r\n\uFEFF`)).toBe(true);
    const again = await labelText(res.bytes, {}, ctx);
    expect(again.bytes.toString('utf8').startsWith(`⚠ ${DEFAULT_WORDING.kk} / ${DEFAULT_WORDING.ru}\r\n\r\nБірінші жол.\r\nЕкінші жол.\r\n\uFEFF`)).toBe(true);
  });

  it('gives Markdown without front matter one, and takes it away again on relabel', async () => {
    const md = Buffer.from('# Тақырып\n\nМәтін **маңызды** және [сілтеме](https://example.kz).\n');
    const res = await labelText(md, {}, ctx);
    const text = res.bytes.toString('utf8');
    expect(res.record.format).toBe('md');
    expect(text).toMatch(
      /^---\nai_generated: true\ndigital_source_type: \S+\n# -----BEGIN C2PA MANIFEST----- data:application\/c2pa;base64,[A-Za-z0-9+/=]+ -----END C2PA MANIFEST-----\n---\n⚠ /,
    );
    expect((await verify(res.bytes, {}, ctx)).compliance.compliant).toBe(true);
    const again = (await labelText(res.bytes, {}, ctx)).bytes.toString('utf8');
    expect(again.split('\n').filter((l) => l === '---')).toHaveLength(2);
    expect(count(again, '⚠ ')).toBe(1);
  });

  it('refuses image placements for texts', async () => {
    await expect(labelText(fixture('ru-utf8.txt'), { placement: 'corner' }, ctx)).rejects.toMatchObject({ code: 'bad_option' });
  });

  it('refuses undecidable bytes with a clear error instead of mojibake', async () => {
    const err = await labelText(fixture('undecidable-latin1.txt'), {}, ctx).catch((e) => e);
    expect(err).toMatchObject({ code: 'text_encoding_undecidable' });
    expect(err.message).toMatch(/save the file as UTF-8/);
  });

  it('declares UTF-8 in an HTML page converted from Windows-1251', async () => {
    const iconv = (await import('iconv-lite')).default;
    const page = fixture('page.html').toString('utf8').replace('charset="utf-8"', 'charset="windows-1251"');
    const res = await labelText(iconv.encode(page, 'windows-1251'), { textFormat: 'html' }, ctx);
    const text = res.bytes.toString('utf8');
    expect(text).toContain('<meta charset="utf-8">');
    expect(text).toContain('<h1>Закон об ИИ вступил в силу</h1>');
    expect(res.record.warnings.join(' ')).toMatch(/windows-1251/);
    expect((await verify(res.bytes, {}, ctx)).c2pa.state).toBe('valid');
  });
});
