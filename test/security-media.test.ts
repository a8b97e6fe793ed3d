/**
 * Issue 10, items 4 and 8 (media part): metadata bombs are refused before any reader inflates
 * them, a file whose name and content disagree (text named .jpg, a JPEG named .txt) is refused
 * naming both, and truncated files get the code of a damaged file (422), never "unsupported"
 * (415) nor "C2PA present but unreadable" when there is no C2PA at all. Core, CLI and REST.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Writable } from 'node:stream';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { label } from '../src/core/label.js';
import type { CoreContext } from '../src/core/types.js';
import { verify } from '../src/core/verify.js';
import { startServer, type RunningServer } from '../src/server.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/context.js';
import { tempContext } from './helpers/verify-kit.js';

const MB = 1024 * 1024;
let ctx: CoreContext;
let dataDir: string;
let work: string;
let png: Buffer;
let jpeg: Buffer;
let srv: RunningServer;
const KEY = 'media-secret-0123456789abcdef';

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** `count` text chunks that each inflate to `inflated` bytes, placed right after IHDR. */
function pngTextBomb(type: 'zTXt' | 'iTXt' | 'iCCP', count: number, inflated: number): Buffer {
  const z = deflateSync(Buffer.alloc(inflated, 0x41), { level: 9 });
  const chunks = Array.from({ length: count }, (_, i) => {
    const key = Buffer.from(`k${i}\0`, 'latin1');
    const body = type === 'iTXt' ? Buffer.concat([key, Buffer.from([1, 0, 0, 0]), z]) : Buffer.concat([key, Buffer.from([0]), z]);
    return chunk(type, body);
  });
  return Buffer.concat([png.subarray(0, 33), ...chunks, png.subarray(33)]);
}

/** A JPEG with `count` COM segments of 64 KB each after SOI: uncompressed, but more metadata than any photo has. */
function jpegWithComments(count: number): Buffer {
  const seg = Buffer.alloc(65535 + 2, 0x20);
  seg.writeUInt16BE(0xfffe, 0);
  seg.writeUInt16BE(65535, 2);
  return Buffer.concat([jpeg.subarray(0, 2), ...Array.from({ length: count }, () => seg), jpeg.subarray(2)]);
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

/** Peak RSS growth while `fn` runs, sampled every 10 ms (sharp works off the main thread). */
async function rssGrowth(fn: () => Promise<unknown>): Promise<number> {
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  try {
    await fn();
  } catch {
    // the outcome is asserted elsewhere
  } finally {
    clearInterval(timer);
  }
  return Math.max(peak, process.memoryUsage().rss) - before;
}

function cliEnv(): Record<string, string> {
  return { DATA_DIR: dataDir, TRUST_ANCHORS: '', WATCH_ENABLED: 'false' };
}

beforeAll(async () => {
  ({ ctx } = await tempContext());
  dataDir = tempDir('labeller-media-data-');
  work = tempDir('labeller-media-work-');
  const base = sharp({ create: { width: 160, height: 120, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } });
  png = await base.clone().png().toBuffer();
  jpeg = await base.clone().jpeg().toBuffer();
  const config = loadConfig({
    DATA_DIR: path.join(dataDir, 'srv'),
    PORT: '0',
    HOST: '127.0.0.1',
    API_KEYS: `desk:${KEY}`,
    LOG_LEVEL: 'silent',
    WATCH_ENABLED: 'false',
  } as NodeJS.ProcessEnv);
  srv = await startServer({ config, logStream: new Writable({ write: (_c, _e, cb) => cb() }) });
});

afterAll(async () => {
  await srv?.close();
});

/** One request on its own connection: a kept-alive socket can be closed by the server while the CLI tests run. */
async function rest(route: 'label' | 'verify', bytes: Buffer, name: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const fd = new FormData();
  fd.append('file', new Blob([new Uint8Array(bytes)]), name);
  const encoded = new Response(fd);
  const payload = Buffer.from(await encoded.arrayBuffer());
  const headers = { 'Content-Type': encoded.headers.get('content-type')!, 'Content-Length': String(payload.length), Authorization: `Bearer ${KEY}` };
  return new Promise((resolve, reject) => {
    const req = http.request(`${srv.url}/api/v1/${route}`, { method: 'POST', headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: String(res.headers['content-type']).includes('json') ? JSON.parse(text) : {} });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

describe('metadata bombs', () => {
  it.each(['zTXt', 'iTXt', 'iCCP'] as const)('a PNG with 40 %s chunks of 16 MB each is refused by verify and label, memory bounded', async (type) => {
    const bomb = pngTextBomb(type, 40, 16 * MB);
    expect(bomb.length).toBeLessThan(1 * MB);
    let vCode = '';
    let lCode = '';
    const grew = await rssGrowth(async () => {
      vCode = await codeOf(verify(bomb, {}, ctx));
      lCode = await codeOf(label(bomb, {}, ctx));
    });
    expect(vCode).toBe('metadata_too_large');
    expect(lCode).toBe('metadata_too_large');
    // The old code reached gigabytes (libvips inflates every chunk on a header read).
    expect(grew).toBeLessThan(300 * MB);
  });

  it('one chunk just over the 8 MB budget is refused; many small text chunks are fine', async () => {
    expect(await codeOf(verify(pngTextBomb('zTXt', 1, 9 * MB), {}, ctx))).toBe('metadata_too_large');
    expect(await codeOf(verify(pngTextBomb('zTXt', 20, 64 * 1024), {}, ctx))).toBe('ok');
  });

  it('a damaged compressed chunk is counted at its worst case, not skipped', async () => {
    const z = deflateSync(Buffer.alloc(12 * MB, 0x41), { level: 9 });
    z[z.length - 100] ^= 0xff; // damage near the end: a decoder inflates almost everything first
    const bad = Buffer.concat([png.subarray(0, 33), chunk('zTXt', Buffer.concat([Buffer.from('k\0\0', 'latin1'), z])), png.subarray(33)]);
    expect(await codeOf(verify(bad, {}, ctx))).toBe('metadata_too_large');
  });

  it('more than 1024 text chunks are refused', async () => {
    const many = Array.from({ length: 1100 }, (_, i) => chunk('tEXt', Buffer.from(`k${i}\0v`, 'latin1')));
    const f = Buffer.concat([png.subarray(0, 33), ...many, png.subarray(33)]);
    expect(await codeOf(verify(f, {}, ctx))).toBe('metadata_too_large');
  });

  it('JPEG: more than 8 MB of APP/COM segments is refused; WebP: an XMP chunk over 8 MB too', async () => {
    expect(await codeOf(verify(jpegWithComments(140), {}, ctx))).toBe('metadata_too_large');
    expect(await codeOf(label(jpegWithComments(140), {}, ctx))).toBe('metadata_too_large');
    expect(await codeOf(verify(jpegWithComments(4), {}, ctx))).toBe('ok');
    const webp = await sharp(png).webp().toBuffer();
    const xmp = Buffer.alloc(9 * MB, 0x20);
    const head = Buffer.alloc(8);
    head.write('XMP ', 0, 'latin1');
    head.writeUInt32LE(xmp.length, 4);
    const fat = Buffer.concat([webp, head, xmp]);
    fat.writeUInt32LE(fat.length - 8, 4);
    expect(await codeOf(verify(fat, {}, ctx))).toBe('metadata_too_large');
  });

  it('the CLI answers exit 2 naming the file and the reason, writing nothing; REST answers 422', async () => {
    const file = path.join(work, 'bomb.png');
    fs.writeFileSync(file, pngTextBomb('zTXt', 40, 16 * MB));
    const v = runCli(['verify', file], cliEnv());
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/bomb\.png: .*metadata/);
    const out = path.join(work, 'bomb-out.png');
    const l = runCli(['label', file, '-o', out], cliEnv());
    expect(l.code).toBe(2);
    expect(fs.existsSync(out)).toBe(false);
    const r = await rest('verify', fs.readFileSync(file), 'bomb.png');
    expect(r).toMatchObject({ status: 422, body: { code: 'metadata_too_large' } });
  });
});

describe('the name and the content must agree', () => {
  const text = Buffer.from('An article written with a model.\n\nSecond paragraph.\n', 'utf8');

  it('core: text named .jpg and a JPEG named .txt are refused (unsupported_type), naming both', async () => {
    await expect(label(text, { fileName: 'photo.jpg' }, ctx)).rejects.toMatchObject({
      code: 'unsupported_type',
      message: expect.stringMatching(/JPEG image \(\.jpg\).*text/),
    });
    await expect(verify(text, { fileName: 'photo.JPG' }, ctx)).rejects.toMatchObject({ code: 'unsupported_type' });
    await expect(label(jpeg, { fileName: 'story.txt' }, ctx)).rejects.toMatchObject({
      code: 'unsupported_type',
      message: expect.stringMatching(/plain text \(\.txt\).*JPEG image/),
    });
    await expect(verify(jpeg, { fileName: 'page.html' }, ctx)).rejects.toMatchObject({ code: 'unsupported_type' });
  });

  it('core: a PNG named .jpg is labelled as PNG with a warning; matching and unknown names pass', async () => {
    const r = await label(png, { fileName: 'photo.jpg' }, ctx);
    expect(r.ext).toBe('png');
    expect(r.record.warnings.join(' ')).toMatch(/JPEG image \(\.jpg\).*PNG/);
    expect((await label(text, { fileName: 'notes.md', textFormat: 'md' }, ctx)).ext).toBe('md');
    expect((await verify(jpeg, { fileName: 'upload' }, ctx)).format).toBe('jpeg');
    expect((await verify(jpeg, { fileName: 'scan.JPEG' }, ctx)).format).toBe('jpeg');
  });

  it('CLI: never writes text into out.jpg nor an image into out.txt (exit 2, no output)', () => {
    const note = path.join(work, 'note.txt');
    fs.writeFileSync(note, text);
    const disguised = path.join(work, 'disguised.jpg');
    fs.writeFileSync(disguised, text);
    for (const [input, out, reason] of [
      [note, path.join(work, 'out.jpg'), /output name says JPEG image \(\.jpg\)/],
      [disguised, path.join(work, 'out.txt'), /name says JPEG image \(\.jpg\) but the content is text/],
    ] as const) {
      const r = runCli(['label', input, '-o', out], cliEnv());
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(reason);
      expect(fs.existsSync(out)).toBe(false);
    }
    const v = runCli(['verify', disguised], cliEnv());
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/disguised\.jpg: .*JPEG image/);
  });

  it('watch folder: text dropped as photo.jpg goes to failed/ with unsupported_type, nothing in outbox/', () => {
    const root = path.join(work, 'watch');
    fs.mkdirSync(path.join(root, 'inbox'), { recursive: true });
    fs.writeFileSync(path.join(root, 'inbox', 'photo.jpg'), text);
    const r = runCli(['watch', root, '--once', '--stable-ms', '100'], cliEnv());
    expect(r.stderr).not.toMatch(/internal error/);
    expect(fs.readdirSync(path.join(root, 'outbox')).filter((f) => !f.startsWith('.'))).toEqual([]);
    const report = JSON.parse(fs.readFileSync(path.join(root, 'failed', 'photo.jpg.error.json'), 'utf8'));
    expect(report).toMatchObject({ code: 'unsupported_type', reason: expect.stringMatching(/JPEG image \(\.jpg\).*text/) });
  });

  it('REST: text uploaded as photo.jpg is refused 415 on label and verify', async () => {
    expect(await rest('label', text, 'photo.jpg')).toMatchObject({
      status: 415,
      body: { code: 'unsupported_type', detail: expect.stringMatching(/JPEG image.*text/) },
    });
    expect(await rest('verify', text, 'photo.jpg')).toMatchObject({ status: 415, body: { code: 'unsupported_type' } });
    expect(await rest('verify', jpeg, 'story.txt')).toMatchObject({ status: 415 });
    expect((await rest('verify', text, 'story.txt')).status).toBe(200);
  });
});

describe('truncated files', () => {
  const cuts = [0.1, 0.5, 0.9];

  it('a truncated TIFF is damaged (corrupt_input, 422), not an unsupported type (415)', async () => {
    for (const tile of [false, true]) {
      const tiff = await sharp(png).tiff({ tile }).toBuffer();
      for (const f of cuts) {
        const cut = tiff.subarray(0, Math.floor(tiff.length * f));
        expect(await codeOf(label(cut, {}, ctx)), `label tile=${tile} ${f}`).toBe('corrupt_input');
        expect(await codeOf(verify(cut, {}, ctx)), `verify tile=${tile} ${f}`).toBe('corrupt_input');
      }
    }
    const file = path.join(work, 'cut.tif');
    fs.writeFileSync(file, (await sharp(png).tiff().toBuffer()).subarray(0, 200));
    const r = runCli(['verify', file], cliEnv());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cut\.tif: .*truncated or damaged/);
    expect(await rest('label', fs.readFileSync(file), 'cut.tif')).toMatchObject({ status: 422, body: { code: 'corrupt_input' } });
  });

  it('a truncated PNG, JPEG, WebP or AVIF without C2PA: label says corrupt_input; verify never says "C2PA present but unreadable"', async () => {
    const formats = {
      png,
      jpeg,
      webp: await sharp(png).webp().toBuffer(),
      avif: await sharp(png).avif().toBuffer(),
    };
    for (const [name, whole] of Object.entries(formats)) {
      for (const f of cuts) {
        const cut = whole.subarray(0, Math.floor(whole.length * f));
        expect(await codeOf(label(cut, {}, ctx)), `label ${name} ${f}`).toBe('corrupt_input');
        try {
          const r = await verify(cut, {}, ctx);
          expect(r.c2pa.state, `verify ${name} ${f}`).toBe('absent');
          expect(r.summary.en).not.toMatch(/cannot be read/);
        } catch (err) {
          expect((err as { code?: string }).code, `verify ${name} ${f}`).toBe('corrupt_input');
        }
      }
    }
  });

  it('a truncated labelled PNG (its C2PA chunk kept) still says its manifest cannot be read', async () => {
    const labelled = (await label(png, {}, ctx)).bytes;
    const r = await verify(labelled.subarray(0, Math.floor(labelled.length * 0.9)), {}, ctx);
    expect(['unreadable', 'invalid']).toContain(r.c2pa.state);
  });
});
