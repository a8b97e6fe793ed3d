/**
 * Verifying texts that did not come from a clean label: no manifest, several manifests,
 * emoji selectors, a byte-order mark added by an editor, a trusted signer.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/startup.js';
import type { CoreContext } from '../src/core/types.js';
import { labelText } from '../src/core/label-text.js';
import { verify } from '../src/core/verify.js';
import { findCarriers } from '../src/text/carriers.js';

const FIX = path.resolve(import.meta.dirname, '../fixtures/text');
const fixture = (name: string) => fs.readFileSync(path.join(FIX, name));

let ctx: CoreContext;
let tmp: string;
let labelledTxt: Buffer;
beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'labeller-text-verify-'));
  ctx = await createContext({ config: loadConfig({ DATA_DIR: tmp } as NodeJS.ProcessEnv), records: false });
  labelledTxt = (await labelText(fixture('kk-emoji-nfd.txt'), {}, ctx)).bytes;
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('verify (texts)', () => {
  it('finds nothing in plain text with emoji selectors and a stray U+FEFF', async () => {
    const text = 'Керемет ❤️ 👍🏽 ☺️\uFEFF жаңалық\uFE0F\uFE0E бар.\n';
    const v = await verify(Buffer.from(text), {}, ctx);
    expect(v.c2pa).toEqual({ state: 'absent', codes: [] });
    expect(v.aiGenerated).toBeNull();
    expect(v.compliance).toEqual({ machineReadable: false, visibleWarning: false, compliant: false });
    expect(v.summary.en).toMatch(/No trace of AI generation/);
    expect(v.summary.en).toContain('there is no machine-readable AI label; there is no visible warning');
  });

  it('reports a visible notice alone as not compliant', async () => {
    const v = await verify(Buffer.from('Мақала. Сгенерировано ИИ.\n'), {}, ctx);
    expect(v.aiGenerated).toBe(true);
    expect(v.compliance).toEqual({ machineReadable: false, visibleWarning: true, compliant: false });
    expect(v.signals.map((s) => s.source)).toEqual(['text-notice']);
    // The summary names the layer that is there and the one that is missing.
    expect(v.summary.en).toContain('a visible warning is present, but there is no machine-readable AI label');
    expect(v.summary.ru).toContain('видимое предупреждение есть, но нет машиночитаемой метки ИИ');
  });

  it('keeps a labelled text valid when emoji sit right before the wrapper', async () => {
    const res = await labelText(Buffer.from('Тамаша ❤️'), { placement: 'start' }, ctx);
    const v = await verify(res.bytes, {}, ctx);
    expect(v.c2pa.state).toBe('valid');
    expect(res.bytes.toString('utf8')).toContain('Тамаша ❤️\uFEFF');
  });

  it('flags several wrappers as invalid and relies on none', async () => {
    const text = labelledTxt.toString('utf8');
    const [w] = findCarriers(text);
    const doubled = Buffer.from(text + text.slice(w.start, w.end), 'utf8');
    const v = await verify(doubled, {}, ctx);
    expect(v.c2pa.state).toBe('invalid');
    expect(v.c2pa.codes).toEqual(['text.multipleManifests']);
    expect(v.compliance.machineReadable).toBe(false);
    expect(v.summary.en).toMatch(/several C2PA manifests/);
  });

  it('reports a cut-short wrapper as unreadable', async () => {
    const text = labelledTxt.toString('utf8');
    const [w] = findCarriers(text);
    const cut = Buffer.from(text.slice(0, w.start + 40), 'utf8');
    const v = await verify(cut, {}, ctx);
    expect(v.c2pa.state).toBe('unreadable');
  });

  it('stays valid when an editor adds a UTF-8 byte-order mark', async () => {
    const v = await verify(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), labelledTxt]), {}, ctx);
    expect(v.c2pa.state).toBe('valid');
  });

  it('is trusted when the development root is given as a trust anchor', async () => {
    const root = fs.readFileSync(path.join(tmp, 'identity', 'dev-root-ca.pem'), 'utf8');
    const v = await verify(labelledTxt, { trustAnchorsPem: root }, ctx);
    expect(v.c2pa.state).toBe('trusted');
    expect(v.summary.en).toMatch(/trusted/);
  });

  it('does not fetch a remote manifest referenced from Markdown', async () => {
    const md = '---\ntitle: x\n# -----BEGIN C2PA MANIFEST----- https://example.invalid/m.c2pa -----END C2PA MANIFEST-----\n---\n\nText.\n';
    const v = await verify(Buffer.from(md), {}, ctx);
    expect(v.c2pa).toMatchObject({ state: 'remote', remoteUrl: 'https://example.invalid/m.c2pa' });
  });

  it('reads the plain AI fields of front matter and HTML metas; unsigned, they never prove "not AI"', async () => {
    const md = await verify(Buffer.from('---\ntitle: x\nai_generated: false\n---\n\n# Hi\n\n**Bold** [l](http://x)\n'), {}, ctx);
    expect(md.signals).toEqual([expect.objectContaining({ source: 'front-matter', ai: false })]);
    // The image rule: only a signed, intact claim can say "not AI".
    expect(md.aiGenerated).toBeNull();
    const html = await verify(Buffer.from('<html><head><meta name="ai-generated" content="true"></head><body><p>x</p></body></html>'), {}, ctx);
    expect(html.signals).toEqual([expect.objectContaining({ source: 'html-meta', ai: true })]);
  });
});

describe('verify (texts) with the record', () => {
  it('the bare words of a text we labelled are traced to the record, and the summary says so', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labeller-text-trace-'));
    const withRecord = await createContext({ config: loadConfig({ DATA_DIR: dir } as NodeJS.ProcessEnv) });
    try {
      const { label } = await import('../src/core/label.js');
      const labelled = await label(fixture('ru-utf8.txt'), { textFormat: 'txt' }, withRecord);
      // Copy-paste keeps the words and the notice, and drops the invisible carrier.
      const bare = Buffer.from(labelled.bytes.toString('utf8').replace(/\uFEFF|[\uFE00-\uFE0F]|[\u{E0100}-\u{E01EF}]/gu, ''));
      const v = await verify(bare, {}, withRecord);
      expect(v.c2pa.state).toBe('absent');
      expect(v.signals.map((s) => s.source)).toEqual(expect.arrayContaining(['registry', 'text-notice']));
      expect(v.aiGenerated).toBe(true);
      expect(v.compliance).toEqual({ machineReadable: false, visibleWarning: true, compliant: false });
      expect(v.summary.en).toContain('provenance record');
      expect(v.summary.en).toContain('a visible warning is present, but there is no machine-readable AI label');
    } finally {
      await withRecord.records?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
