/**
 * Source protection: verify names the personal data an incoming file carries (`privacy`), and
 * none for a clean file or for our own labelled output; a clean copy (core, CLI, REST) removes
 * them, keeps the editorial fields, and re-signs a new C2PA manifest with the original as parent
 * ingredient when the original had one (its hard binding cannot survive the byte change).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Reader } from '@contentauth/c2pa-node';
import { exiftool } from 'exiftool-vendored';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanCopy } from '../src/core/clean.js';
import { label } from '../src/core/label.js';
import type { CoreContext } from '../src/core/types.js';
import { verify } from '../src/core/verify.js';
import { signAsset } from '../src/provenance/c2pa.js';
import { endExiftool, readTags } from '../src/provenance/exiftool.js';
import type { RunningServer } from '../src/server.js';
import { runCli } from './helpers/cli.js';
import { FIXTURES, fixture, tempDir, testContext } from './helpers/context.js';
import { keyedServer, postPhoto } from './helpers/privacy.js';

let ctx: CoreContext;
const photo = fixture('images', 'privacy-photo.jpg');
const NO_OCR = { ocr: false } as const;

beforeAll(async () => {
  ctx = await testContext();
});

afterAll(async () => {
  await ctx.records?.close();
  await endExiftool();
  await exiftool.end();
});

describe('verify lists personal data', () => {
  it('names every kind the fixture photo carries, by field, never by value', async () => {
    const report = await verify(photo, NO_OCR, ctx);
    const kinds = new Set(report.privacy?.map((p) => p.kind));
    for (const k of ['location', 'serial-number', 'owner-name', 'device-id', 'maker-notes', 'embedded-preview', 'editing-history'])
      expect(kinds.has(k as never), k).toBe(true);
    const fields = report.privacy?.map((p) => p.field) ?? [];
    for (const f of [
      'EXIF:GPSInfo',
      'EXIF:SerialNumber',
      'EXIF:OwnerName',
      'EXIF:MakerNotes',
      'EXIF:ThumbnailImage',
      'IPTC:City',
      'XMP:xmpMM:History',
      'XMP:photoshop:DocumentAncestors',
    ])
      expect(fields, f).toContain(f);
    expect(JSON.stringify(report.privacy)).not.toMatch(/Almaty|BODY-0042|Invented|aigerim/);
  });

  it('lists nothing for a file without personal data, and nothing for our own labelled output of the photo', async () => {
    expect((await verify(fixture('images', 'white.jpg'), NO_OCR, ctx)).privacy).toEqual([]);
    const labelled = await label(photo, { prompt: 'portrait of Invented Person' }, ctx);
    expect((await verify(labelled.bytes, NO_OCR, ctx)).privacy).toEqual([]);
  });
});

it('a verified file’s own prompt is reported to the caller but not kept in the chained record row', async () => {
  const withPrompt = await label(photo, { prompt: 'portrait of Invented Person', embedPrompt: true }, ctx);
  const report = await verify(withPrompt.bytes, NO_OCR, ctx);
  expect(JSON.stringify(report.signals)).toContain('Invented Person');
  expect(report.privacy?.map((p) => p.kind)).toContain('prompt');
  const row = await ctx.records!.get(report.recordId!);
  expect(JSON.stringify(row)).not.toContain('Invented Person');
  expect(JSON.stringify(row?.data)).toContain('promptNotKept');
});

it('walks a TIFF’s own IFDs: GPS and a serial number written there by ExifTool are listed, and gone from its clean copy', async () => {
  const file = path.join(tempDir('labeller-privacy-tiff-'), 'blue.tiff');
  fs.copyFileSync(path.join(FIXTURES, 'images', 'blue.tiff'), file);
  expect((await verify(fs.readFileSync(file), NO_OCR, ctx)).privacy).toEqual([]);
  await exiftool.write(file, { GPSLatitude: 43.2, GPSLatitudeRef: 'N', SerialNumber: 'BODY-0042-7731' } as never, { writeArgs: ['-overwrite_original'] });
  const report = await verify(fs.readFileSync(file), NO_OCR, ctx);
  expect(report.privacy?.map((p) => p.field).sort()).toEqual(['EXIF:GPSInfo', 'EXIF:SerialNumber']);
  const clean = await cleanCopy(fs.readFileSync(file), ctx);
  expect((await verify(clean.bytes, NO_OCR, ctx)).privacy).toEqual([]);
  expect(clean.bytes.includes('BODY-0042')).toBe(false);
});

it('lists personal data signed into a C2PA manifest (stds.exif); a clean copy then carries no manifest, saying why', async () => {
  const signed = await signAsset({
    bytes: fixture('images', 'white.jpg'),
    mimeType: 'image/jpeg',
    signer: ctx.identity.signer,
    manifest: {
      claim_generator_info: [{ name: 'camera-under-test', version: '1' }],
      title: 'camera.jpg',
      format: 'image/jpeg',
      assertions: [
        {
          label: 'c2pa.actions',
          data: { actions: [{ action: 'c2pa.created', digitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture' }] },
        },
        {
          label: 'stds.exif',
          data: {
            '@context': { exif: 'http://ns.adobe.com/exif/1.0/', exifEX: 'http://cipa.jp/exif/2.32/' },
            'exif:GPSLatitude': '43,14.3N',
            'exif:GPSLongitude': '76,53.4E',
            'exifEX:BodySerialNumber': 'BODY-0042-7731',
          },
        },
      ],
    },
  });
  const fields = (await verify(signed.bytes, NO_OCR, ctx)).privacy?.map((p) => p.field) ?? [];
  expect(fields).toEqual(expect.arrayContaining(['C2PA:stds.exif/exif:GPSLatitude', 'C2PA:stds.exif/exifEX:BodySerialNumber']));
  const clean = await cleanCopy(signed.bytes, ctx);
  expect(clean.manifest).toBe('dropped');
  expect(clean.warnings.join(' ')).toMatch(/manifest itself holds personal data \(.*C2PA:stds\.exif\/exif:GPSLatitude/);
  const after = await verify(clean.bytes, NO_OCR, ctx);
  expect(after.c2pa.state).toBe('absent');
  expect(after.privacy).toEqual([]);
  expect(clean.bytes.includes('BODY-0042')).toBe(false);
});

describe('a clean copy', () => {
  it('removes what verify listed, keeps creator, credit, rights, caption and the ICC profile', async () => {
    const r = await cleanCopy(photo, ctx, { fileName: 'photo.jpg' });
    expect(r.manifest).toBe('none');
    expect(r.removed.map((i) => i.kind)).toContain('location');
    const t = (await readTags(r.bytes, 'jpg')) as Record<string, unknown>;
    for (const tag of [
      'GPSLatitude',
      'SerialNumber',
      'LensSerialNumber',
      'OwnerName',
      'ThumbnailImage',
      'PhotoshopThumbnail',
      'HistoryParameters',
      'DocumentAncestors',
      'City',
      'HostComputer',
    ])
      expect(t[tag], tag).toBeUndefined();
    expect(String(t.Credit)).toBe('Example Agency');
    expect(String(t.Creator ?? t.Artist)).toContain('Aigerim N.');
    expect(String(t.Rights ?? t.Copyright)).toContain('Example Agency');
    expect(t.ProfileDescription).toBe('sP3C');
    expect((await verify(r.bytes, NO_OCR, ctx)).privacy).toEqual([]);
  });

  it('re-signs a file that carried a C2PA manifest: a new manifest, the original as parent ingredient', async () => {
    const original = fixture('images', 'generator-c2pa.jpg');
    const r = await cleanCopy(original, ctx, { fileName: 'generator.jpg' });
    expect(r.manifest).toBe('re-signed');
    const reader = await Reader.fromAsset({ buffer: r.bytes, mimeType: 'image/jpeg' });
    const store = reader!.json() as unknown as { validation_state: string };
    expect(['Valid', 'Trusted']).toContain(store.validation_state);
    const active = reader!.getActive() as unknown as {
      ingredients: { relationship: string }[];
      assertions: { label: string; data: { actions: { action: string }[] } }[];
    };
    expect(active.ingredients.map((i) => i.relationship)).toContain('parentOf');
    const actions = active.assertions.find((a) => a.label.startsWith('c2pa.actions'))!.data.actions.map((a) => a.action);
    expect(actions).toEqual(['c2pa.opened', 'c2pa.transcoded']);
  });

  it('refuses a text (nothing to clean) with a clear code', async () => {
    await expect(cleanCopy(Buffer.from('Just a text.\n'), ctx)).rejects.toMatchObject({ code: 'unsupported_type' });
  });

  it('labeller clean writes the copy and names what it removed (exit 0)', async () => {
    const dir = tempDir('labeller-clean-cli-');
    const out = path.join(dir, 'clean.jpg');
    const r = runCli(['clean', path.join(FIXTURES, 'images', 'privacy-photo.jpg'), '-o', out, '--json'], { DATA_DIR: path.join(dir, 'data') });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).removed.length).toBeGreaterThan(5);
    const t = (await readTags(fs.readFileSync(out), 'jpg')) as Record<string, unknown>;
    expect(t.GPSLatitude).toBeUndefined();
    expect(runCli(['clean', path.join(FIXTURES, 'images', 'privacy-photo.jpg')], { DATA_DIR: path.join(dir, 'data') }).code).toBe(2);
    // labeller verify names the fields (and the way out) in its plain output, not their values.
    const v = runCli(['verify', '--no-ocr', '--report-lang', 'en', path.join(FIXTURES, 'images', 'privacy-photo.jpg')], { DATA_DIR: path.join(dir, 'data') });
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(/Personal data in the file \(publish a clean copy: labeller clean\): .*EXIF:GPSInfo/);
    expect(v.stdout).not.toMatch(/Almaty|BODY-0042/);
    expect(runCli(['verify', '--no-ocr', out], { DATA_DIR: path.join(dir, 'data') }).stdout).not.toContain('Personal data');
  });
});

describe('POST /api/v1/clean', () => {
  let srv: RunningServer;
  const KEY = 'desk-key-0123456789abcdef0';

  beforeAll(async () => {
    srv = await keyedServer(`desk:${KEY}`, 'labeller-clean-http-');
  });

  afterAll(async () => {
    await srv?.close();
  });

  const post = (headers: Record<string, string>) => postPhoto(`${srv.url}/api/v1/clean`, photo, {}, headers);

  it('needs a key like label, then answers the clean copy', async () => {
    expect((await post({})).status).toBe(401);
    const res = await post({ Authorization: `Bearer ${KEY}` });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('photo.clean.jpg');
    expect(Number(res.headers.get('x-privacy-removed'))).toBeGreaterThan(5);
    const t = (await readTags(Buffer.from(await res.arrayBuffer()), 'jpg')) as Record<string, unknown>;
    expect(t.GPSLatitude).toBeUndefined();
    expect(t.SerialNumber).toBeUndefined();
    expect(String(t.Credit)).toBe('Example Agency');
  });

  it('verify over REST reports the privacy list', async () => {
    const report = await (await postPhoto(`${srv.url}/api/v1/verify?ocr=false`, photo, {}, {})).json();
    expect(report.privacy.map((p: { kind: string }) => p.kind)).toContain('location');
  });
});
