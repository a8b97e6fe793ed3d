/**
 * The REST door against a real server on 127.0.0.1: real core, real signer, real record,
 * real fetch + FormData, as a pipeline would call it.
 */
import { Writable } from 'node:stream';
import path from 'node:path';
import zlib from 'node:zlib';
import { Reader } from '@contentauth/c2pa-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createApp } from '../src/http/app.js';
import { STATUS } from '../src/http/problem.js';
import { startServer, type RunningServer } from '../src/server.js';
import { tempDir } from './helpers/context.js';

const KEY = 'desk-secret-0123456789abcdef';
const OTHER = 'pipe-secret-abcdef0123456789';
let srv: RunningServer;
let logs = '';
let jpeg: Buffer;

const auth = (k = KEY) => ({ Authorization: `Bearer ${k}` });

function form(file: Buffer | undefined, name = 'photo.jpg', fields: Record<string, string> = {}): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  if (file) fd.append('file', new Blob([new Uint8Array(file)]), name);
  return fd;
}

async function post(route: string, body: FormData | string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${srv.url}${route}`, { method: 'POST', body, headers });
}

async function expectProblem(res: Response, status: number, code: string): Promise<void> {
  const text = await res.text();
  expect({ status: res.status, type: res.headers.get('content-type') }).toEqual({ status, type: 'application/problem+json; charset=utf-8' });
  const p = JSON.parse(text);
  expect(p).toMatchObject({ status, code });
  expect(p.detail).toMatch(/\w+/);
  expect(text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/); // never a stack trace
}

async function c2paState(bytes: Buffer, mimeType: string): Promise<string | undefined> {
  const reader = await Reader.fromAsset({ buffer: bytes, mimeType }, { verify: { remote_manifest_fetch: false } } as never);
  return reader?.json().validation_state;
}

/** A valid PNG header that claims 50000×50000 pixels, with a tiny IDAT: a decompression bomb. */
function pngBomb(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(50000, 0);
  ihdr.writeUInt32BE(50000, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.alloc(1024))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

beforeAll(async () => {
  const dataDir = path.join(tempDir('labeller-http-'), 'data');
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    API_KEYS: `desk:${KEY},pipeline:${OTHER}`,
    MAX_UPLOAD_BYTES: String(3 * 1024 * 1024),
    MAX_CONCURRENT_JOBS: '2',
    MAX_UPLOADS_PER_CLIENT: '64',
    LOG_LEVEL: 'info',
    WATCH_ENABLED: 'false',
  } as NodeJS.ProcessEnv);
  const logStream = new Writable({
    write(chunk, _enc, cb) {
      logs += chunk.toString();
      cb();
    },
  });
  srv = await startServer({ config, logStream, maxQueue: 4 });
  // Noise, so the JPEG is of realistic size and decodes like a photo.
  jpeg = await sharp(Buffer.from(Array.from({ length: 320 * 240 * 3 }, (_, i) => (i * 7919) % 251)), { raw: { width: 320, height: 240, channels: 3 } })
    .resize(1024, 768)
    .jpeg({ quality: 85 })
    .toBuffer();
});

afterAll(async () => {
  await srv?.close();
});

describe('health', () => {
  it('answers /healthz and /readyz with signer, exiftool and record checked', async () => {
    expect((await fetch(`${srv.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${srv.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { signer: true, exiftool: true, records: true } });
  });
});

describe('labelling needs a key', () => {
  it('refuses a caller without a key (401) and with a wrong key (403), and signs nothing', async () => {
    const none = await post('/api/v1/label', form(jpeg));
    expect(none.headers.get('www-authenticate')).toMatch(/Bearer/);
    await expectProblem(none, 401, 'missing_key');
    await expectProblem(await post('/api/v1/label', form(jpeg), auth('not-a-key-at-all-123456')), 403, 'bad_key');
    await expectProblem(await post('/api/v1/label', form(jpeg), { 'X-API-Key': 'wrong' }), 403, 'bad_key');
  });

  it('returns the labelled file, signed (C2PA Valid), with its download name and record id', async () => {
    const res = await post(
      '/api/v1/label',
      form(jpeg, 'Сурет "1".jpeg', { languages: 'kk,ru,en', aiSystem: 'Midjourney', aiSystemVersion: '7', placement: 'band' }),
      auth(),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const cd = res.headers.get('content-disposition') ?? '';
    expect(cd).toMatch(/^attachment; filename="[\x20-\x7e]+\.jpg"; filename\*=UTF-8''/);
    expect(decodeURIComponent(/filename\*=UTF-8''(.+)$/.exec(cd)![1])).toBe('Сурет 1.jpg');
    const id = res.headers.get('x-record-id');
    expect(id).toBeTruthy();
    const out = Buffer.from(await res.arrayBuffer());
    expect(await c2paState(out, 'image/jpeg')).toBe('Valid');
    expect((await sharp(out).metadata()).width).toBe(1024);

    // The record names the key (not the secret) and the door; another labeller key does not read it.
    const rec = await fetch(`${srv.url}/api/v1/records/${encodeURIComponent(id!)}`, { headers: auth() });
    expect(rec.status).toBe(200);
    expect(await rec.json()).toMatchObject({ id, type: 'label', actor: 'desk', door: 'rest' });
    expect((await fetch(`${srv.url}/api/v1/records/${encodeURIComponent(id!)}`, { headers: auth(OTHER) })).status).toBe(404);
  });

  it('labels a Markdown text and verifies it back as valid and compliant', async () => {
    const md = Buffer.from('---\ntitle: Жаңалық\n---\n\nЖасанды интеллект туралы жаңалық. Новость об ИИ.\n');
    const res = await post('/api/v1/label', form(md, 'news.md', { placement: 'end' }), auth());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(res.headers.get('content-disposition')).toContain('news.md');
    const out = Buffer.from(await res.arrayBuffer());
    expect(out.toString('utf8')).toMatch(/^---\ntitle: Жаңалық\n/);
    expect(out.toString('utf8').trimEnd()).toMatch(/Создано с помощью ИИ$/);
    const report = await (await post('/api/v1/verify', form(out, 'news.md'))).json();
    expect(report).toMatchObject({ kind: 'text', format: 'md', aiGenerated: true, c2pa: { state: 'valid' }, compliance: { compliant: true } });
  });

  it('accepts X-API-Key as well and keeps the real extension when the name lies', async () => {
    const png = await sharp(jpeg).png().toBuffer();
    const res = await post('/api/v1/label', form(png, 'picture.jpg'), { 'X-API-Key': OTHER });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="picture.png"');
  });
});

describe('verification', () => {
  it('is open without a key and reports a labelled file as compliant', async () => {
    const labelled = Buffer.from(await (await post('/api/v1/label', form(jpeg, 'a.jpg', { aiSystem: 'DALL·E' }), auth())).arrayBuffer());
    const res = await post('/api/v1/verify', form(labelled, 'a.jpg'));
    expect(res.status).toBe(200);
    const report = await res.json();
    expect(report).toMatchObject({
      file: 'a.jpg',
      kind: 'image',
      aiGenerated: true,
      tampered: false,
      c2pa: { state: 'valid' },
      compliance: { machineReadable: true, compliant: true },
    });
    expect(report.recordId).toBeTruthy();
  });

  it('reports an unlabelled photo without error', async () => {
    const res = await post('/api/v1/verify', form(jpeg, 'plain.jpg'));
    expect(res.status).toBe(200);
    expect((await res.json()).c2pa.state).toBe('absent');
  });
});

describe('records', () => {
  it('need a key, filter by type and page with a cursor', async () => {
    await expectProblem(await fetch(`${srv.url}/api/v1/records`), 401, 'missing_key');
    const page = await (await fetch(`${srv.url}/api/v1/records?type=label&limit=1`, { headers: auth() })).json();
    expect(page.items).toHaveLength(1);
    expect(page.items[0].type).toBe('label');
    expect(page.next).toBeTruthy();
    const next = await (await fetch(`${srv.url}/api/v1/records?type=label&limit=1&cursor=${encodeURIComponent(page.next)}`, { headers: auth() })).json();
    expect(next.items[0].id).not.toBe(page.items[0].id);
    await expectProblem(await fetch(`${srv.url}/api/v1/records?limit=0`, { headers: auth() }), 400, 'bad_request');
    await expectProblem(await fetch(`${srv.url}/api/v1/records?from=yesterday`, { headers: auth() }), 400, 'bad_request');
    await expectProblem(await fetch(`${srv.url}/api/v1/records/no-such-record`, { headers: auth() }), 404, 'not_found');
  });
});

describe('hostile uploads get a 4xx problem with a stable code', () => {
  it.each([
    ['a truncated JPEG', () => jpeg.subarray(0, Math.floor(jpeg.length / 2)), 422, 'corrupt_input'],
    ['a PDF named .jpg', () => Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n'), 415, 'unsupported_type'],
    [
      'an SVG with a script',
      () => Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      415,
      'svg_not_supported',
    ],
    ['a PNG claiming 50000×50000 pixels', pngBomb, 413, 'too_many_pixels'],
    ['an empty file', () => Buffer.alloc(0), 400, 'empty_input'],
    ['a file over MAX_UPLOAD_BYTES', () => Buffer.alloc(3 * 1024 * 1024 + 10, 0xff), 413, 'too_large'],
  ] as const)('%s', async (_name, make, status, code) => {
    await expectProblem(await post('/api/v1/label', form(make(), 'x.jpg'), auth()), status, code);
  });

  it('no file, a non-multipart body, a second file field and a bad option', async () => {
    await expectProblem(await post('/api/v1/label', form(undefined, undefined, { languages: 'kk' }), auth()), 400, 'file_missing');
    await expectProblem(await post('/api/v1/label', '{"file":"x"}', { ...auth(), 'Content-Type': 'application/json' }), 400, 'file_missing');
    const two = form(jpeg);
    two.append('other', new Blob([new Uint8Array(jpeg)]), 'b.jpg');
    await expectProblem(await post('/api/v1/label', two, auth()), 400, 'bad_request');
    await expectProblem(await post('/api/v1/label', form(jpeg, 'a.jpg', { languages: 'de' }), auth()), 400, 'bad_option');
    await expectProblem(await post('/api/v1/label', form(jpeg, 'a.jpg', { colour: 'red' }), auth()), 400, 'bad_option');
    await expectProblem(await post('/api/v1/verify', form(undefined)), 400, 'file_missing');
    await expectProblem(await post('/api/v1/verify', form(Buffer.from('%PDF-1.4\n%%EOF\n'), 'a.pdf')), 415, 'unsupported_type');
  });

  it('unknown API routes are problems too', async () => {
    await expectProblem(await fetch(`${srv.url}/api/v1/nothing`), 404, 'route_not_found');
  });
});

describe('load', () => {
  it('16 concurrent uploads all succeed or get 503 + Retry-After, and the service stays healthy', async () => {
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => post('/api/v1/label', form(jpeg, `c${i}.jpg`), auth())));
    const statuses = results.map((r) => r.status);
    for (const r of results) {
      if (r.status === 503) {
        expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
        expect((await r.json()).code).toBe('busy');
      } else {
        expect(r.status).toBe(200);
        await r.arrayBuffer();
      }
    }
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(2 + 4); // the slots and the queue
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
    expect((await fetch(`${srv.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${srv.url}/readyz`)).status).toBe(200);
  });
});

describe('configuration', () => {
  it('closes verification with VERIFY_REQUIRES_KEY, answers a slow job with 503 timeout, and 501 without a record', async () => {
    const config = { ...srv.ctx.config, port: 0, verifyRequiresKey: true, requestTimeoutMs: 30 };
    const strict = await startServer({ config, ctx: { ...srv.ctx, config, records: undefined }, logStream: { write: () => true } as never });
    try {
      await expectProblem(await fetch(`${strict.url}/api/v1/verify`, { method: 'POST', body: form(jpeg) }), 401, 'missing_key');
      const slow = await fetch(`${strict.url}/api/v1/label`, { method: 'POST', body: form(jpeg), headers: auth() });
      expect(slow.headers.get('retry-after')).toBeTruthy();
      await expectProblem(slow, 503, 'timeout');
      await expectProblem(await fetch(`${strict.url}/api/v1/records`, { headers: auth() }), 501, 'not_implemented');
      expect((await fetch(`${strict.url}/readyz`)).status).toBe(200);
    } finally {
      await new Promise((r) => setTimeout(r, 1500)); // let the timed-out job end before exiftool is closed
      await strict.close();
    }
  });
});

describe('documentation and operations', () => {
  it('documents every route of the app in OpenAPI 3.1, and nothing else', async () => {
    const doc = await (await fetch(`${srv.url}/api/openapi.json`)).json();
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths as Record<string, object>)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))
      .sort();
    const { app } = createApp({ ctx: srv.ctx, keys: { match: () => undefined, size: 0 }, logger: srv.logger });
    const stack = (app as unknown as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } }).router.stack;
    const routes = stack
      .filter((l) => l.route)
      .flatMap((l) => Object.keys(l.route!.methods).map((m) => `${m.toUpperCase()} ${l.route!.path.replace(/:(\w+)/g, '{$1}')}`))
      .sort();
    expect(routes).toEqual(documented);
    // Every error code a client can get is listed in the Problem schema.
    expect(doc.components.schemas.Problem.properties.code.enum.sort()).toEqual(Object.keys(STATUS).sort());
  });

  it('sends security headers and a strict CSP with the pages and the API', async () => {
    for (const p of ['/', '/verify.html', '/api/openapi.json']) {
      const res = await fetch(`${srv.url}${p}`);
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
    const page = await (await fetch(`${srv.url}/`)).text();
    expect(page).not.toMatch(/<script>|<script(?![^>]*\bsrc=)[^>]*>|\son\w+=|https?:\/\//i); // no inline script, no CDN
  });

  it('counts requests, labels and errors on /metrics', async () => {
    const text = await (await fetch(`${srv.url}/metrics`)).text();
    expect(text).toMatch(/labeller_http_requests_total\{method="POST",route="\/api\/v1\/label",status="200"\} \d+/);
    expect(text).toMatch(/labeller_labels_total\{format="jpeg",door="rest"\} \d+/);
    expect(text).toMatch(/labeller_errors_total\{code="missing_key"\} \d+/);
    expect(text).toMatch(/labeller_verifications_total\{/);
    expect(text).toContain('labeller_http_request_duration_seconds_bucket');
  });

  it('logs JSON lines with request id, duration and record id, never a key', async () => {
    const lines = logs
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const labelled = lines.find((l) => l.req?.path === '/api/v1/label' && l.res?.status === 200);
    expect(labelled).toMatchObject({ key: 'desk' });
    expect(labelled.req.id).toBeTruthy();
    expect(labelled.recordId).toBeTruthy();
    expect(typeof labelled.responseTime).toBe('number');
    expect(logs).not.toContain(KEY);
    expect(logs).not.toContain(OTHER);
    expect(logs).not.toMatch(/authorization/i);
  });
});
