/**
 * The survival report, and the numbers behind the ISCC threshold (README "Surviving
 * distribution"): every copy kind of a labelled 12 MP photo-like picture and of a 2,000-word
 * Kazakh text is traced back to its record by ISCC; 200 unrelated pictures (shapes, gradients,
 * noise, text) and 200 unrelated texts give no match. The distances are printed, so the README's
 * margins can be checked against a run. The report's JSON follows its schema; the CLI and the
 * REST door give it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { label } from '../src/core/label.js';
import { survive } from '../src/core/survive.js';
import type { CoreContext } from '../src/core/types.js';
import { IMAGE_COPIES, type SurvivalReport } from '../src/domain/distribution.js';
import { codeDistance } from '../src/domain/iscc/index.js';
import { imageIsccOf } from '../src/media/iscc-image.js';
import { ISCC_MATCH_DISTANCE } from '../src/registry/iscc-index.js';
import type { SqliteRegistry } from '../src/registry/index.js';
import { startServer, type RunningServer } from '../src/server.js';
import { createContext } from '../src/startup.js';
import { TEXT_COPIES } from '../src/text/copies.js';
import { textFileCode } from '../src/text/reader-text.js';
import { runCli } from './helpers/cli.js';
import { ROOT, tempDir } from './helpers/context.js';
import { kazakhMarkdown, kazakhText, photoLike, unrelatedPicture } from './helpers/synthetic.js';
import { schemaErrors } from './helpers/verify-kit.js';

const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schema/survival-report.schema.json'), 'utf8'));
let ctx: CoreContext;
let registry: SqliteRegistry;
let dataDir: string;
let photo: Awaited<ReturnType<typeof label>>;
let article: Awaited<ReturnType<typeof label>>;
let photoReport: SurvivalReport;
let textReport: SurvivalReport;

beforeAll(async () => {
  dataDir = tempDir('labeller-survive-');
  ctx = await createContext({ config: loadConfig({ DATA_DIR: dataDir } as NodeJS.ProcessEnv) });
  registry = ctx.records as SqliteRegistry;
  photo = await label(await photoLike(4000, 3000, 2026), {}, ctx);
  article = await label(Buffer.from(kazakhMarkdown(2000, 2026)), { textFormat: 'md' }, ctx);
  // OCR off here: twelve megapixels nine times over is the slow part, and the region comparison is what runs without Tesseract.
  photoReport = await survive(photo.bytes, { fileName: 'photo.jpg', ocr: false }, ctx);
  textReport = await survive(article.bytes, { fileName: 'article.md' }, ctx);
}, 600_000);

afterAll(async () => {
  await ctx.records?.close();
});

describe('every copy kind is traced back to its record by ISCC', () => {
  it('a labelled 12 MP photo-like picture: all nine copies', () => {
    expect(photoReport.copies.map((c) => c.id)).toEqual(IMAGE_COPIES.map((c) => c.id));
    const distances: Record<string, number | undefined> = {};
    for (const c of photoReport.copies) {
      expect(c.layers.record, c.id).toMatchObject({ survives: true, recordId: photo.record.id, via: 'iscc' });
      expect(c.layers.record.distance!, c.id).toBeLessThanOrEqual(ISCC_MATCH_DISTANCE);
      distances[c.id] = c.layers.record.distance;
      // Platforms strip the metadata; no copy keeps the manifest (a re-encode breaks it).
      expect(c.layers.c2pa.survives, c.id).toBe(false);
    }
    console.log('image copies, ISCC distance to the record:', JSON.stringify(distances));
    console.log(
      'image copies, ISCC distance of the whole copy to the soft binding:',
      JSON.stringify(Object.fromEntries(photoReport.copies.map((c) => [c.id, c.layers.iscc.distance]))),
    );
    expect(photoReport.original.layers).toMatchObject({
      c2pa: { survives: true },
      xmp: { survives: true },
      record: { survives: true, recordId: photo.record.id },
    });
    expect(photoReport.original.softBinding).toEqual({ alg: 'io.iscc.v0', value: photo.record.iscc });
    const byId = Object.fromEntries(photoReport.copies.map((c) => [c.id, c.layers]));
    for (const id of ['telegram', 'whatsapp', 'facebook', 'x', 'screenshot']) expect(byId[id].xmp.survives, id).toBe(false);
    for (const id of ['resize-50', 'greyscale', 'webp']) expect(byId[id].xmp.survives, id).toBe(true);
    // The warning is in the pixels: every copy that keeps the corner keeps it.
    for (const id of ['telegram', 'whatsapp', 'facebook', 'x', 'screenshot', 'resize-50', 'greyscale', 'webp'])
      expect(byId[id].visibleWarning, id).toMatchObject({ survives: true, how: 'region' });
  });

  it('a labelled 2,000-word Kazakh text: plain paste, Markdown to HTML to text, half excerpt', () => {
    expect(textReport.copies.map((c) => c.id)).toEqual(TEXT_COPIES.map((c) => c.kind));
    for (const c of textReport.copies) {
      expect(c.layers.record, c.id).toMatchObject({ survives: true, recordId: article.record.id, via: 'iscc' });
      expect(c.layers.c2pa.survives, c.id).toBe(false);
    }
    console.log(
      'text copies, ISCC distance to the record:',
      JSON.stringify(Object.fromEntries(textReport.copies.map((c) => [c.id, c.layers.record.distance]))),
    );
    const byId = Object.fromEntries(textReport.copies.map((c) => [c.id, c.layers]));
    expect(byId['plain-paste'].visibleWarning.survives).toBe(true);
    expect(byId['markdown-html'].visibleWarning.survives).toBe(true);
    expect(byId['excerpt-50'].visibleWarning.survives).toBe(false); // the notice was at the start
  });

  it('reports follow schema/survival-report.schema.json', () => {
    expect(schemaErrors(photoReport, schema)).toEqual([]);
    expect(schemaErrors(textReport, schema)).toEqual([]);
  });
});

describe('no false match', () => {
  it('200 unrelated pictures (shapes, gradients, noise, text) are not traced, and their codes resolve to nothing', async () => {
    const stored = (registry.db.prepare("SELECT code FROM iscc_codes WHERE kind = 'image'").all() as { code: string }[]).map((r) => r.code);
    let nearest = 64;
    for (let i = 0; i < 200; i++) {
      const picture = await unrelatedPicture(i);
      expect(await registry.traceCopy(picture, 'image'), `picture ${i}`).toEqual([]);
      const { iscc } = await imageIsccOf(picture, 1e8);
      expect(await registry.lookupIscc(iscc), `picture ${i}`).toBeUndefined();
      nearest = Math.min(nearest, ...stored.map((s) => codeDistance(s, iscc)!));
    }
    console.log(`unrelated pictures: nearest whole-picture code ${nearest} bits from a stored one (threshold ${ISCC_MATCH_DISTANCE})`);
    expect(nearest).toBeGreaterThan(ISCC_MATCH_DISTANCE);
  }, 300_000);

  it('200 unrelated texts (Kazakh, same vocabulary, 100 to 2,000 words) are not traced', async () => {
    const stored = (registry.db.prepare("SELECT code FROM iscc_codes WHERE kind = 'text'").all() as { code: string }[]).map((r) => r.code);
    let nearest = 64;
    for (let i = 0; i < 200; i++) {
      const words = 100 + ((i * 97) % 1900);
      const [text, format] = i % 2 ? [kazakhText(words, 5000 + i), 'txt' as const] : [kazakhMarkdown(words, 7000 + i), 'md' as const];
      const bytes = Buffer.from(text);
      expect(await registry.traceCopy(bytes, 'text'), `text ${i}`).toEqual([]);
      const code = textFileCode(bytes, format).iscc;
      nearest = Math.min(nearest, ...stored.map((s) => codeDistance(s, code)!));
    }
    console.log(`unrelated texts: nearest code ${nearest} bits from a stored one (threshold ${ISCC_MATCH_DISTANCE})`);
    expect(nearest).toBeGreaterThan(ISCC_MATCH_DISTANCE);
  }, 300_000);
});

describe('the doors', () => {
  it('labeller survive prints the table, or the JSON with --json; a file it cannot read exits 2', async () => {
    const file = path.join(dataDir, 'small.labelled.jpg');
    fs.writeFileSync(file, (await label(await photoLike(800, 600, 9), {}, ctx)).bytes);
    await ctx.records?.close();
    const env = { DATA_DIR: dataDir };
    const json = runCli(['survive', file, '--json', '--no-ocr'], env);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as SurvivalReport;
    expect(schemaErrors(report, schema)).toEqual([]);
    expect(report.copies).toHaveLength(IMAGE_COPIES.length);
    expect(report.copies.every((c) => c.layers.record.survives === true)).toBe(true);
    const table = runCli(['survive', file, '--no-ocr'], env);
    expect(table.stdout).toMatch(/telegram\s+yes\s+NO\s+NO/);
    expect(runCli(['survive', path.join(dataDir, 'missing.jpg')], env).code).toBe(2);
    ctx = await createContext({ config: loadConfig({ DATA_DIR: dataDir } as NodeJS.ProcessEnv) });
    registry = ctx.records as SqliteRegistry;
  }, 300_000);

  it('POST /api/v1/survive needs a key and answers with the report, with thumbnails when asked', async () => {
    const key = 'desk-secret-0123456789abcdef';
    const config = loadConfig({
      DATA_DIR: tempDir('labeller-survive-http-'),
      PORT: '0',
      HOST: '127.0.0.1',
      API_KEYS: `desk:${key}`,
      WATCH_ENABLED: 'false',
      LOG_LEVEL: 'silent',
    } as NodeJS.ProcessEnv);
    const srv: RunningServer = await startServer({ config });
    try {
      const form = (bytes: Buffer, name: string) => {
        const fd = new FormData();
        fd.append('file', new Blob([new Uint8Array(bytes)]), name);
        return fd;
      };
      const fd = new FormData();
      fd.append('file', new Blob([new Uint8Array(await photoLike(900, 600, 11))]), 'photo.jpg');
      const labelled = Buffer.from(
        await (await fetch(`${srv.url}/api/v1/label`, { method: 'POST', body: fd, headers: { Authorization: `Bearer ${key}` } })).arrayBuffer(),
      );
      expect((await fetch(`${srv.url}/api/v1/survive`, { method: 'POST', body: form(labelled, 'photo.jpg') })).status).toBe(401);
      const res = await fetch(`${srv.url}/api/v1/survive?preview=1&ocr=false`, {
        method: 'POST',
        body: form(labelled, 'photo.jpg'),
        headers: { Authorization: `Bearer ${key}` },
      });
      expect(res.status).toBe(200);
      const report = (await res.json()) as SurvivalReport;
      expect(report.file).toBe('photo.jpg');
      expect(schemaErrors(report, schema)).toEqual([]);
      expect(report.copies.every((c) => c.thumbnail?.startsWith('data:image/jpeg;base64,'))).toBe(true);
      expect(report.copies.every((c) => c.layers.record.survives === true)).toBe(true);
      const bad = await fetch(`${srv.url}/api/v1/survive`, {
        method: 'POST',
        body: form(Buffer.from('%PDF-1.4 not a picture'), 'x.pdf'),
        headers: { Authorization: `Bearer ${key}` },
      });
      expect(bad.status).toBeGreaterThanOrEqual(400);
      expect(bad.status).toBeLessThan(500);
    } finally {
      await srv.close();
    }
  }, 300_000);
});
