/**
 * What the web pages need from the service, on a real server: GET /api/v1/info (signer kind,
 * limits, the option vocabulary, nothing secret), the Verify page's preview (manifest and
 * ingredient thumbnails as small data: URIs, the nested ingredient tree, kept out of the
 * record), and file names in the record for the History page.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { PLACEMENTS, SOURCE_TYPES, TEXT_PLACEMENTS } from '../src/domain/vocabulary.js';
import { startServer, type RunningServer } from '../src/server.js';
import { PEER_FIXTURES, tempDir } from './helpers/context.js';

const KEY = 'pages-secret-0123456789abcdef';
let srv: RunningServer;
let dataDir: string;

const auth = { Authorization: `Bearer ${KEY}` };
function form(file: Buffer, name: string, fields: Record<string, string> = {}): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  fd.append('file', new Blob([new Uint8Array(file)]), name);
  return fd;
}

beforeAll(async () => {
  dataDir = path.join(tempDir('labeller-pages-api-'), 'data');
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    API_KEYS: `desk:${KEY}`,
    MAX_UPLOAD_BYTES: String(7 * 1024 * 1024),
    LOG_LEVEL: 'warn',
    WATCH_ENABLED: 'false',
  } as NodeJS.ProcessEnv);
  srv = await startServer({ config, logStream: { write: () => true } as never });
});

afterAll(async () => {
  await srv?.close();
});

describe('GET /api/v1/info', () => {
  it('says what the pages need, without a key, and nothing secret', async () => {
    const res = await fetch(`${srv.url}/api/v1/info`);
    expect(res.status).toBe(200);
    const info = await res.json();
    // The development identity unless a signer is configured (the PostgreSQL pass configures one).
    expect(info.signer).toEqual({ development: !srv.ctx.config.signerCert });
    expect(info.limits).toEqual({ maxUploadBytes: 7 * 1024 * 1024, maxPixels: 120_000_000 });
    expect(info.languages).toEqual(['kk', 'ru', 'en']);
    expect(info.defaultLanguages).toEqual(['kk', 'ru']);
    // Every place once: the aliases corner and band are not offered beside what they stand for.
    expect(new Set(info.placements.image)).toEqual(new Set(PLACEMENTS.filter((p) => p !== 'corner' && p !== 'band')));
    expect(info.placements.image).toContain('corner-bottom-right');
    expect(info.placements.image).toContain('band-bottom');
    expect(info.placements.text).toEqual([...TEXT_PLACEMENTS]);
    expect(info.sourceTypes).toEqual([...SOURCE_TYPES]);
    expect(info.accept.text.extensions).toEqual(expect.arrayContaining(['txt', 'md', 'html']));
    const text = JSON.stringify(info);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(dataDir);
    expect(text).not.toMatch(/BEGIN|PRIVATE|identity\//);
  });
});

describe('the Verify page preview', () => {
  it('adds the manifest thumbnail and a nested ingredient tree with thumbnails, as small JPEG data: URIs', async () => {
    const caca = fs.readFileSync(path.join(PEER_FIXTURES, 'CACA.jpg'));
    const plain = await (await fetch(`${srv.url}/api/v1/verify`, { method: 'POST', body: form(caca, 'CACA.jpg') })).json();
    expect(plain.c2pa.thumbnail).toBeUndefined();
    expect(plain.c2pa.ingredients[0].thumbnail).toBeUndefined();

    const res = await fetch(`${srv.url}/api/v1/verify?preview=1`, { method: 'POST', body: form(caca, 'CACA.jpg'), headers: auth });
    expect(res.status).toBe(200);
    const r = await res.json();
    const uris = [r.c2pa.thumbnail, r.c2pa.ingredients[0].thumbnail, r.c2pa.ingredients[0].ingredients[0].thumbnail];
    expect(r.c2pa.ingredients[0]).toMatchObject({ title: 'CA.jpg', relationship: 'parentOf' });
    expect(r.c2pa.ingredients[0].ingredients[0]).toMatchObject({ title: 'A.jpg', relationship: 'parentOf', state: 'absent' });
    for (const uri of uris) {
      expect(uri).toMatch(/^data:image\/jpeg;base64,[A-Za-z0-9+/=]+$/);
      const bytes = Buffer.from(uri.split(',')[1], 'base64');
      expect(bytes.length).toBeLessThan(24 * 1024); // the originals are ~48 KB each
      const meta = await sharp(bytes).metadata();
      expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(160);
    }
    // The record keeps the report as it was checked, without the pictures.
    const rec = await (await fetch(`${srv.url}/api/v1/records/${r.recordId}`, { headers: auth })).json();
    expect(JSON.stringify(rec.data)).not.toContain('data:image');
    expect(rec.data.c2pa.ingredients[0].ingredients).toBeUndefined();
  });

  it('carries no picture a thumbnail could smuggle in, and still answers for files without a manifest', async () => {
    const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#888' } })
      .jpeg()
      .toBuffer();
    const r = await (await fetch(`${srv.url}/api/v1/verify?preview=1`, { method: 'POST', body: form(photo, 'photo.jpg') })).json();
    expect(r.c2pa.state).toBe('absent');
    expect(r.c2pa.thumbnail).toBeUndefined();
  });
});

describe('file names in the record (History page)', () => {
  it('keeps the uploaded name of a labelled file and of a verified file', async () => {
    const photo = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#4a78a8' } })
      .jpeg()
      .toBuffer();
    const labelled = await fetch(`${srv.url}/api/v1/label`, { method: 'POST', body: form(photo, 'сурет.jpg'), headers: auth });
    expect(labelled.status).toBe(200);
    const labelRec = await (await fetch(`${srv.url}/api/v1/records/${labelled.headers.get('x-record-id')}`, { headers: auth })).json();
    expect(labelRec.data.fileName).toBe('сурет.jpg');
    const text = await (
      await fetch(`${srv.url}/api/v1/label`, { method: 'POST', body: form(Buffer.from('Мақала мәтіні.\n'), 'мақала.txt', { placement: 'end' }), headers: auth })
    ).text();
    const v = await (await fetch(`${srv.url}/api/v1/verify`, { method: 'POST', body: form(Buffer.from(text), 'мақала.labelled.txt'), headers: auth })).json();
    const verifyRec = await (await fetch(`${srv.url}/api/v1/records/${v.recordId}`, { headers: auth })).json();
    expect(verifyRec.data.file).toBe('мақала.labelled.txt');
  });
});
