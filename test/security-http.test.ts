/**
 * The HTTP door under attack (issue 10): hostile multipart forms, slow clients, a full disk,
 * floods of requests, spoofing file names, a keyless or wide-open start. Real servers on
 * 127.0.0.1, raw sockets (node:net) for what fetch cannot send.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../src/config.js';
import type { RecordSink } from '../src/core/types.js';
import type { Request } from 'express';
import { clientAddress } from '../src/http/client-address.js';
import { contentDisposition, downloadName } from '../src/http/content-disposition.js';
import { safeBaseName } from '../src/http/upload.js';
import { startServer, type RunningServer, type StartOptions } from '../src/server.js';
import { ROOT, tempDir } from './helpers/context.js';

const KEY = 'desk-secret-0123456789abcdef';
const OTHER = 'pipe-secret-abcdef0123456789';
const BOUNDARY = 'XbOuNdArY7';
const servers: RunningServer[] = [];
let srv: RunningServer;
let logs = '';
let png: Buffer;

const auth = (k = KEY) => ({ Authorization: `Bearer ${k}` });

function logStream() {
  return new Writable({
    write(chunk, _enc, cb) {
      logs += chunk.toString();
      cb();
    },
  });
}

/** Another server on the same core context, with some settings changed. */
async function variant(overrides: Partial<Config>, opts: Partial<StartOptions> = {}, records?: RecordSink): Promise<RunningServer> {
  const config = { ...srv.ctx.config, port: 0, ...overrides };
  const s = await startServer({ config, ctx: { ...srv.ctx, config, records: records ?? srv.ctx.records }, logStream: logStream(), ...opts });
  servers.push(s);
  return s;
}

interface Part {
  name?: string | Buffer;
  filename?: string;
  type?: string;
  value: string | Buffer;
}

/** A multipart body written by hand, so names can be anything a client could send. */
function multipart(parts: Part[], end = true): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disp = [Buffer.from('Content-Disposition: form-data')];
    if (p.name !== undefined) disp.push(Buffer.from('; name="'), Buffer.from(p.name), Buffer.from('"'));
    if (p.filename !== undefined) disp.push(Buffer.from(`; filename="${p.filename}"`));
    chunks.push(
      Buffer.from(`--${BOUNDARY}\r\n`),
      ...disp,
      Buffer.from(`\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n`),
      Buffer.from(p.value),
      Buffer.from('\r\n'),
    );
  }
  if (end) chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

const filePart = (): Part => ({ name: 'file', filename: 'tiny.png', type: 'image/png', value: png });

async function postRaw(url: string, route: string, body: Buffer, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}${route}`, {
    method: 'POST',
    body: new Uint8Array(body),
    headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`, ...headers },
  });
}

async function expectProblem(res: Response, status: number, code?: string): Promise<Record<string, unknown>> {
  const text = await res.text();
  expect({ status: res.status, type: res.headers.get('content-type') }).toEqual({ status, type: 'application/problem+json; charset=utf-8' });
  const p = JSON.parse(text);
  if (code) expect(p.code).toBe(code);
  expect(text).not.toMatch(/\n\s+at |node_modules/);
  return p;
}

/** A request from a chosen local address (127.0.0.2 counts as another client). */
function httpPost(
  url: string,
  route: string,
  body: Buffer,
  headers: Record<string, string>,
  localAddress: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${route}`, { method: 'POST', localAddress, headers: { ...headers, 'Content-Length': String(body.length) } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface Trickler {
  response: () => string;
  closed: Promise<void>;
  stop(): void;
}

/** A client that sends the request head, then one body byte every `everyMs`. */
function trickle(url: string, route: string, opts: { everyMs: number; headers?: Record<string, string>; localAddress?: string }): Trickler {
  const { port } = new URL(url);
  const socket = net.connect({ host: '127.0.0.1', port: Number(port), localAddress: opts.localAddress });
  let response = '';
  socket.on('data', (d) => (response += d));
  socket.on('error', () => {});
  const extra = Object.entries(opts.headers ?? {})
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  socket.write(
    `POST ${route} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: 200000\r\n${extra}\r\n--${BOUNDARY}\r\n`,
  );
  const timer = setInterval(() => socket.writable && socket.write('C'), opts.everyMs);
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  void closed.then(() => clearInterval(timer));
  return {
    response: () => response,
    closed,
    stop() {
      clearInterval(timer);
      socket.destroy();
    },
  };
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  const late = new Promise<never>((_resolve, reject) => {
    setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms).unref();
  });
  return Promise.race([p, late]);
}

/** A record that cannot be written: a real ENOSPC from /dev/full (or the given error). */
function failingRecords(fault?: () => Error): RecordSink {
  const fail = async (): Promise<never> => {
    if (fault) throw fault();
    fs.writeFileSync('/dev/full', 'record row');
    throw new Error('unreachable: /dev/full accepted a write');
  };
  return {
    recordLabel: fail,
    recordVerify: fail,
    traceCopy: async () => [],
    list: async () => ({ items: [] }),
    prune: async () => ({ removed: 0 }),
    get: async () => undefined,
    close: async () => {},
  };
}

beforeAll(async () => {
  const dataDir = path.join(tempDir('labeller-sec-http-'), 'data');
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    API_KEYS: `desk:${KEY},pipeline:${OTHER}`,
    MAX_CONCURRENT_JOBS: '2',
    MAX_UPLOADS_PER_CLIENT: '32',
    MAX_UPLOADS: '64',
    UPLOAD_IDLE_TIMEOUT_MS: '1500',
    RATE_LIMIT_PER_MINUTE: '0',
    ANON_VERIFY_PER_MINUTE: '0',
    LOG_LEVEL: 'info',
    WATCH_ENABLED: 'false',
  } as NodeJS.ProcessEnv);
  srv = await startServer({ config, logStream: logStream(), maxQueue: 2 });
  png = await sharp({ create: { width: 16, height: 12, channels: 3, background: '#3a6' } })
    .png()
    .toBuffer();
});

afterAll(async () => {
  for (const s of servers) await s.close();
  await srv?.close();
});

describe('multipart field names and values (item 1)', () => {
  const big = 'n'.repeat(10_000);
  // Parts are built when the test runs (the PNG is made in beforeAll).
  const hostile: [string, () => Part[], number, string?][] = [
    ['a bracketed name a[b]', () => [filePart(), { name: 'a[b]', value: '1' }], 400, 'bad_request'],
    ['a nested array a[0][b]', () => [filePart(), { name: 'a[0][b]', value: '1' }], 400, 'bad_request'],
    ['an array a[]', () => [filePart(), { name: 'a[]', value: '1' }, { name: 'a[]', value: '2' }], 400, 'bad_request'],
    ['__proto__', () => [filePart(), { name: '__proto__', value: '{"polluted":1}' }], 400, 'bad_request'],
    ['__proto__[polluted]', () => [filePart(), { name: '__proto__[polluted]', value: '1' }], 400, 'bad_request'],
    ['constructor', () => [filePart(), { name: 'constructor', value: 'x' }], 400, 'bad_request'],
    ['toString', () => [filePart(), { name: 'toString', value: 'x' }], 400, 'bad_request'],
    ['hasOwnProperty', () => [filePart(), { name: 'hasOwnProperty', value: 'x' }], 400, 'bad_request'],
    ['an empty name', () => [filePart(), { name: '', value: 'x' }], 400, 'bad_request'],
    ['no name at all', () => [filePart(), { value: 'x' }], 400, 'bad_request'],
    ['a 10 000-character name', () => [filePart(), { name: big, value: 'x' }], 400, 'bad_request'],
    ['a 20 000-character name (beyond the part header limit)', () => [filePart(), { name: big + big, value: 'x' }], 400, 'bad_request'],
    ['a name that is not UTF-8', () => [filePart(), { name: Buffer.from([0x61, 0xff, 0xfe, 0xc0]), value: 'x' }], 400, 'bad_request'],
    ['a name with a bidi override', () => [filePart(), { name: 'lang\u202Euages', value: 'kk' }], 400, 'bad_request'],
    ['500 fields', () => [filePart(), ...Array.from({ length: 500 }, (_, i) => ({ name: `f${i}`, value: 'x' }))], 400, 'bad_request'],
    ['a 20 KB field value', () => [filePart(), { name: 'aiSystem', value: 'x'.repeat(20_000) }], 400, 'bad_request'],
    ['"file" as a text field', () => [{ name: 'file', value: 'not a file' }], 400, 'file_missing'],
    ['"file" as text next to a real file', () => [filePart(), { name: 'file', value: 'text' }], 400],
    ['two files', () => [filePart(), filePart()], 400, 'bad_request'],
    ['a file in another field', () => [{ ...filePart(), name: 'photo' }], 400, 'bad_request'],
    ['a file in a bracketed field', () => [{ ...filePart(), name: 'file[0]' }], 400, 'bad_request'],
    ['an octet-stream part without a file name', () => [filePart(), { name: 'x', type: 'application/octet-stream', value: 'abc' }], 400, 'bad_request'],
  ];

  for (const route of ['/api/v1/verify', '/api/v1/label']) {
    it.each(hostile)(`${route}: %s → 4xx problem, the service keeps answering`, async (_name, parts, status, code) => {
      const res = await postRaw(srv.url, route, multipart(parts()), auth());
      const p = await expectProblem(res, status, code);
      expect(String(p.detail)).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/);
      expect((await fetch(`${srv.url}/healthz`)).status).toBe(200);
    });
  }

  it('names the refused field in the problem', async () => {
    const p = await expectProblem(await postRaw(srv.url, '/api/v1/verify', multipart([filePart(), { name: 'a[b]', value: '1' }])), 400, 'bad_request');
    expect(p.detail).toContain('"a[b]"');
  });

  it('a truncated form and a form without a boundary are 400, not a crash', async () => {
    await expectProblem(await postRaw(srv.url, '/api/v1/verify', multipart([filePart(), { name: 'a[b]', value: '1' }], false)), 400);
    await expectProblem(await postRaw(srv.url, '/api/v1/verify', multipart([filePart()], false).subarray(0, 80)), 400);
    const res = await fetch(`${srv.url}/api/v1/verify`, { method: 'POST', body: 'x', headers: { 'Content-Type': 'multipart/form-data' } });
    await expectProblem(res, 400);
  });

  it('repeated option fields become one comma list, and well-formed unknown fields are ignored by verify', async () => {
    const labelled = await postRaw(
      srv.url,
      '/api/v1/label',
      multipart([filePart(), { name: 'languages', value: 'kk' }, { name: 'languages', value: 'en' }]),
      auth(),
    );
    expect(labelled.status).toBe(200);
    await labelled.arrayBuffer();
    const verified = await postRaw(srv.url, '/api/v1/verify', multipart([{ name: 'note', value: 'hello' }, filePart()]));
    expect(verified.status).toBe(200);
    expect((await verified.json()).kind).toBe('image');
    // An unknown option on label is refused by the options contract, naming it.
    const p = await expectProblem(await postRaw(srv.url, '/api/v1/label', multipart([filePart(), { name: 'colour', value: 'red' }]), auth()), 400);
    expect(p.detail).toContain('colour');
  });
});

describe('slow uploads (item 5)', () => {
  it('12 trickling sockets hold no job slot: a normal request succeeds, /healthz answers, and the tricklers get 408 and are closed', async () => {
    const tricklers = Array.from({ length: 12 }, (_, i) =>
      trickle(srv.url, i % 2 ? '/api/v1/label' : '/api/v1/verify', { everyMs: 2000, headers: i % 2 ? { Authorization: `Bearer ${KEY}` } : {} }),
    );
    try {
      await new Promise((r) => setTimeout(r, 400));
      const t0 = Date.now();
      const health = await fetch(`${srv.url}/healthz`);
      expect(health.status).toBe(200);
      const normal = await postRaw(srv.url, '/api/v1/verify', multipart([filePart()]));
      expect(normal.status).toBe(200);
      expect((await normal.json()).kind).toBe('image');
      const labelled = await postRaw(srv.url, '/api/v1/label', multipart([filePart()]), auth());
      expect(labelled.status).toBe(200);
      await labelled.arrayBuffer();
      expect(Date.now() - t0).toBeLessThan(5_000); // generous: the job itself takes well under a second

      await within(Promise.all(tricklers.map((t) => t.closed)), 15_000, 'tricklers closed');
      for (const t of tricklers) {
        expect(t.response()).toMatch(/^HTTP\/1\.1 408 /);
        expect(t.response()).toContain('"code":"upload_timeout"');
      }
    } finally {
      for (const t of tricklers) t.stop();
    }
  });

  it('a client that keeps sending, but too slowly, is cut by the minimum rate', async () => {
    const t = trickle(srv.url, '/api/v1/verify', { everyMs: 200 });
    try {
      await within(t.closed, 10_000, 'slow sender closed');
      expect(t.response()).toMatch(/^HTTP\/1\.1 408 /);
      expect(t.response()).toMatch(/slower than \d+ bytes per second/);
    } finally {
      t.stop();
    }
  });

  it('uploads are bounded per client address: a fifth from one address gets 429 + Retry-After, another address is served', async () => {
    const gated = await variant({ maxUploadsPerClient: 4 });
    const tricklers = Array.from({ length: 4 }, () => trickle(gated.url, '/api/v1/verify', { everyMs: 200, localAddress: '127.0.0.2' }));
    try {
      await new Promise((r) => setTimeout(r, 300));
      const body = multipart([filePart()]);
      const headers = { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` };
      const fifth = await httpPost(gated.url, '/api/v1/verify', body, headers, '127.0.0.2');
      expect(fifth.status).toBe(429);
      expect(JSON.parse(fifth.body).code).toBe('rate_limited');
      expect(Number(fifth.headers['retry-after'])).toBeGreaterThan(0);
      const other = await httpPost(gated.url, '/api/v1/verify', body, headers, '127.0.0.1');
      expect(other.status).toBe(200);
    } finally {
      for (const t of tricklers) t.stop();
    }
  });

  it('a declared body far over MAX_UPLOAD_BYTES is refused at once with 413, unread, and the connection closed', async () => {
    const socket = net.connect({ host: '127.0.0.1', port: srv.port });
    let response = '';
    socket.on('data', (d) => (response += d));
    socket.on('error', () => {});
    socket.write(
      `POST /api/v1/verify HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: 1000000000000\r\n\r\n--${BOUNDARY}\r\n`,
    );
    await within(new Promise((r) => socket.once('close', r)), 5_000, 'closed after 413');
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(response).toContain('"code":"too_large"');
  });

  it('sets the server header and request timeouts', () => {
    expect(srv.server.headersTimeout).toBeGreaterThan(0);
    expect(srv.server.headersTimeout).toBeLessThanOrEqual(30_000);
    expect(srv.server.requestTimeout).toBeGreaterThan(srv.ctx.config.requestTimeoutMs);
  });
});

describe('multer is the multipart parser (item 1, by design)', () => {
  it('src/http reads forms with multer memoryStorage; busboy is no direct dependency', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.dependencies.multer).toBeDefined();
    expect(pkg.dependencies.busboy).toBeUndefined();
    expect(pkg.devDependencies['@types/busboy']).toBeUndefined();
    const dir = path.join(ROOT, 'src');
    const sources = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    for (const f of sources) expect(fs.readFileSync(path.join(dir, f), 'utf8'), f).not.toMatch(/from 'busboy'/);
    const upload = fs.readFileSync(path.join(dir, 'http/upload.ts'), 'utf8');
    expect(upload).toMatch(/from 'multer'/);
    expect(upload).toMatch(/multer\.memoryStorage\(\)/);
    expect(upload).not.toMatch(/diskStorage|dest:/);
  });

  const bomb = `a${'[b]'.repeat(4000)}`;
  const names: [string, string | Buffer, string][] = [
    ['x[]', 'x[]', '"x[]"'],
    ['[a]', '[a]', '"[a]"'],
    ['a]', 'a]', '"a]"'],
    ['file[]', 'file[]', '"file[]"'],
    ['a%5Bb%5D', 'a%5Bb%5D', '"a%5Bb%5D"'],
    ['a%22b', 'a%22b', '"ab"'],
    ['valueOf', 'valueOf', '"valueOf"'],
    ['__defineGetter__', '__defineGetter__', '"__defineGetter__"'],
    ['isPrototypeOf', 'isPrototypeOf', '"isPrototypeOf"'],
    ['constructor[prototype][x]', 'constructor[prototype][x]', '"constructor[prototype][x]"'],
    ['a name of 4000 nested brackets', bomb, '"a[b][b][b]'],
  ];
  it.each(names)('the field name %s → 400 naming it, before or after the file', async (_label, name, shown) => {
    for (const parts of [
      [filePart(), { name, value: '1' }],
      [{ name, value: '1' }, filePart()],
    ]) {
      const p = await expectProblem(await postRaw(srv.url, '/api/v1/verify', multipart(parts)), 400, 'bad_request');
      expect(String(p.detail)).toContain(shown);
    }
  });

  it('limits are "at most": a file of exactly MAX_UPLOAD_BYTES and a field of exactly 16 KB are read; one byte more is refused', async () => {
    const exact = await variant({ maxUploadBytes: png.length });
    const ok = await postRaw(exact.url, '/api/v1/verify', multipart([{ name: 'note', value: 'x'.repeat(16 * 1024) }, filePart()]));
    expect(ok.status).toBe(200);
    expect((await ok.json()).kind).toBe('image');
    const field = await postRaw(exact.url, '/api/v1/verify', multipart([{ name: 'note', value: 'x'.repeat(16 * 1024 + 1) }, filePart()]));
    expect(String((await expectProblem(field, 400, 'bad_request')).detail)).toContain('"note"');
    const under = await variant({ maxUploadBytes: png.length - 1 });
    await expectProblem(await postRaw(under.url, '/api/v1/verify', multipart([filePart()])), 413, 'too_large');
  });

  it('a file part in "file" without a file name is still the file (multer alone would drop it)', async () => {
    for (const filename of [undefined, '']) {
      const res = await postRaw(srv.url, '/api/v1/verify', multipart([{ name: 'file', filename, type: 'application/octet-stream', value: png }]));
      expect(res.status, `filename ${JSON.stringify(filename)}`).toBe(200);
      expect((await res.json()).kind).toBe('image');
    }
  });

  it('every refused or cut form gives its upload place back, and the connection stays usable', async () => {
    const one = await variant({ maxUploadsPerClient: 1, maxUploadBytes: 64 * 1024 });
    const served = async () => {
      const until = Date.now() + 5_000;
      for (;;) {
        const res = await postRaw(one.url, '/api/v1/verify', multipart([filePart()]));
        if (res.status !== 429 || Date.now() > until) return res;
        await res.arrayBuffer();
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const bulky: Part = { name: 'file', filename: 'big.png', type: 'image/png', value: Buffer.alloc(200 * 1024, 7) };
    const refusals: [string, () => Promise<Response>, number][] = [
      ['a bracketed name, then 200 KB to drain', () => postRaw(one.url, '/api/v1/verify', multipart([{ name: 'a[b]', value: '1' }, bulky])), 400],
      ['a file over the limit', () => postRaw(one.url, '/api/v1/verify', multipart([bulky])), 413],
      [
        '40 fields',
        () => postRaw(one.url, '/api/v1/verify', multipart([filePart(), ...Array.from({ length: 40 }, (_, i) => ({ name: `f${i}`, value: 'x' }))])),
        400,
      ],
      ['two files', () => postRaw(one.url, '/api/v1/verify', multipart([filePart(), filePart()])), 400],
      ['a truncated form', () => postRaw(one.url, '/api/v1/verify', multipart([filePart()], false)), 400],
      ['no boundary', () => fetch(`${one.url}/api/v1/verify`, { method: 'POST', body: 'x', headers: { 'Content-Type': 'multipart/form-data' } }), 400],
    ];
    for (const [what, send, status] of refusals) {
      const res = await send();
      expect(res.status, what).toBe(status);
      await res.arrayBuffer();
      const next = await served();
      expect(next.status, `after ${what}`).toBe(200);
      await next.arrayBuffer();
    }
    // A client that sends half a body and hangs up.
    const socket = net.connect({ host: '127.0.0.1', port: one.port });
    socket.on('error', () => {});
    await new Promise((r) => socket.once('connect', r));
    socket.write(`POST /api/v1/verify HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: 10000\r\n\r\n`);
    socket.write(multipart([filePart()]).subarray(0, 100));
    await new Promise((r) => setTimeout(r, 100));
    socket.destroy();
    const next = await served();
    expect(next.status, 'after a client hung up mid-body').toBe(200);
    expect((await fetch(`${one.url}/healthz`)).status).toBe(200);
  });
});

describe('full disk and I/O errors (item 7)', () => {
  it('ENOSPC while recording answers 507 io_error with Retry-After, logs at error level and counts it', async () => {
    const full = await variant({}, {}, failingRecords());
    const before = logs.length;
    const verified = await postRaw(full.url, '/api/v1/verify', multipart([filePart()]));
    expect(verified.headers.get('retry-after')).toBeTruthy();
    const p = await expectProblem(verified, 507, 'io_error');
    expect(p.detail).not.toMatch(/dev\/full|ENOSPC/); // no internals
    await expectProblem(await postRaw(full.url, '/api/v1/label', multipart([filePart()]), auth()), 507, 'io_error');

    const line = logs
      .slice(before)
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .find((l) => l.storage === 'no_space');
    expect(line).toMatchObject({ level: 50, errno: 'ENOSPC' });
    const metrics = await (await fetch(`${full.url}/metrics`)).text();
    expect(metrics).toMatch(/labeller_io_errors_total\{kind="no_space"\} 2/);
    expect(metrics).toMatch(/labeller_errors_total\{code="io_error"\} 2/);
  });

  it.each([
    ['SQLITE_FULL', () => Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }), 507],
    ['EDQUOT, wrapped by the core', () => new Error('could not record', { cause: Object.assign(new Error('quota'), { code: 'EDQUOT' }) }), 507],
    ['EIO', () => Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' }), 503],
    ['EROFS', () => Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' }), 503],
  ] as const)('%s → io_error with the documented status', async (_name, fault, status) => {
    const s = await variant({}, {}, failingRecords(fault));
    await expectProblem(await postRaw(s.url, '/api/v1/verify', multipart([filePart()])), status, 'io_error');
  });

  it('/readyz is not ready while DATA_DIR is below MIN_FREE_BYTES, says why, and recovers when space returns', async () => {
    let free = 10 * 1024 * 1024;
    const s = await variant({ minFreeBytes: 64 * 1024 * 1024 }, { freeSpace: async () => free });
    const low = await fetch(`${s.url}/readyz`);
    expect(low.status).toBe(503);
    const body = await low.json();
    expect(body).toMatchObject({ status: 'not ready', checks: { disk: false }, disk: { freeBytes: free, minFreeBytes: 64 * 1024 * 1024 } });
    expect(body.reasons.join(' ')).toMatch(/MIN_FREE_BYTES/);
    expect(await (await fetch(`${s.url}/metrics`)).text()).toMatch(/labeller_data_dir_free_bytes 10485760/);

    free = 10 * 1024 * 1024 * 1024;
    await expect.poll(async () => (await fetch(`${s.url}/readyz`)).status, { timeout: 15_000, interval: 500 }).toBe(200);
  });

  it('/readyz measures the real data directory with statfs', async () => {
    const s = await variant({ minFreeBytes: Number.MAX_SAFE_INTEGER });
    const res = await fetch(`${s.url}/readyz`);
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body.checks.disk).toBe(false);
    expect(body.disk.freeBytes).toBeGreaterThan(0);
    const ok = await fetch(`${srv.url}/readyz`);
    expect(ok.status).toBe(200);
    expect((await ok.json()).checks).toMatchObject({ disk: true, watch: 'absent' });
  });

  it('a halted watch folder shows on /readyz and as labeller_watch_halted', async () => {
    const dataDir = tempDir('labeller-sec-watch-');
    const s = await variant({ watchEnabled: true, dataDir, watchDir: path.join(dataDir, 'watch') }, {}, failingRecords());
    const before = await (await fetch(`${s.url}/metrics`)).text();
    expect(before).toMatch(/labeller_watch_halted 0/);
    fs.writeFileSync(path.join(dataDir, 'watch', 'inbox', 'photo.png'), png);
    await expect.poll(async () => (await fetch(`${s.url}/readyz`)).status, { timeout: 20_000, interval: 250 }).toBe(503);
    const body = await (await fetch(`${s.url}/readyz`)).json();
    expect(body.checks.watch).toBe(false);
    expect(body.reasons.join(' ')).toMatch(/watch folder has halted/);
    expect(await (await fetch(`${s.url}/metrics`)).text()).toMatch(/labeller_watch_halted 1/);
  });
});

describe('rate limits (items 7 and 9)', () => {
  let limited: RunningServer;
  beforeAll(async () => {
    limited = await variant({ rateLimitPerMinute: 3, anonVerifyPerMinute: 2 });
  });

  it('per API key: beyond RATE_LIMIT_PER_MINUTE a 429 problem with Retry-After; another key keeps its own budget', async () => {
    for (let i = 0; i < 3; i++) expect((await fetch(`${limited.url}/api/v1/records?limit=1`, { headers: auth() })).status).toBe(200);
    const over = await fetch(`${limited.url}/api/v1/records?limit=1`, { headers: auth() });
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    await expectProblem(over, 429, 'rate_limited');
    // The budget is the key's, whatever the route.
    await expectProblem(await postRaw(limited.url, '/api/v1/label', multipart([filePart()]), auth()), 429, 'rate_limited');
    expect((await fetch(`${limited.url}/api/v1/records?limit=1`, { headers: auth(OTHER) })).status).toBe(200);
  });

  it('anonymous verification per client address: beyond ANON_VERIFY_PER_MINUTE 429; another address and a keyed caller are served', async () => {
    const body = multipart([filePart()]);
    const headers = { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}` };
    for (let i = 0; i < 2; i++) expect((await httpPost(limited.url, '/api/v1/verify', body, headers, '127.0.0.3')).status).toBe(200);
    const over = await httpPost(limited.url, '/api/v1/verify', body, headers, '127.0.0.3');
    expect(over.status).toBe(429);
    expect(JSON.parse(over.body)).toMatchObject({ code: 'rate_limited', status: 429 });
    expect(Number(over.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await httpPost(limited.url, '/api/v1/verify', body, headers, '127.0.0.4')).status).toBe(200);
    expect((await httpPost(limited.url, '/api/v1/verify', body, { ...headers, Authorization: `Bearer ${OTHER}` }, '127.0.0.3')).status).toBe(200);
  });
});

describe('client addresses for the limits', () => {
  const addr = (remoteAddress: string | undefined) => clientAddress({ socket: { remoteAddress } } as unknown as Request);
  it('IPv4-mapped IPv6 counts as IPv4, IPv6 is grouped by /64, zone ids and case do not matter', () => {
    expect(addr('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(addr('10.1.2.3')).toBe('10.1.2.3');
    expect(addr('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(addr('2001:DB8:1:2::7')).toBe('2001:db8:1:2::/64');
    expect(addr('2001:0db8:0001:0002:ffff::1%eth0')).toBe('2001:db8:1:2::/64');
    expect(addr('::1')).toBe('0:0:0:0::/64');
    expect(addr('fe80::1:2')).toBe('fe80:0:0:0::/64');
    expect(addr(undefined)).toBe('unknown');
  });
});

describe('download names (item 8)', () => {
  const BIDI_OR_INVISIBLE = /[\u202A-\u202E\u2066-\u2069\u200B-\u200F\u061C\uFEFF\u00AD\u0000-\u001F\u007F-\u009F\u2028\u2029]/;

  it.each([
    ['photo\u202Egpj.exe', 'photogpj.exe'],
    ['\u2067exe.png\u2069.jpg', 'exe.png.jpg'],
    ['in\u200Bvisible\u200D.png', 'invisible.png'],
    ['mark\u200E\u200F\u061C.png', 'mark.png'],
    ['bom\uFEFFsoft\u00ADhyphen.png', 'bomsofthyphen.png'],
    ['line\u2028break\u0085next.png', 'linebreaknext.png'],
    ['..\\..\\etc/passwd', 'passwd'],
    ['...hidden.png', 'hidden.png'],
    ['a\u0000b\u0007c\u007f.png', 'abc.png'],
    ['Сурет\u202Eтест.png', 'Суреттест.png'],
    ['Қазақстан Әлем.png', 'Қазақстан Әлем.png'],
    ['\u202E\u200B', 'file'],
  ])('safeBaseName(%j) = %j', (input, expected) => {
    expect(safeBaseName(input)).toBe(expected);
  });

  it('download names and Content-Disposition never carry bidi or invisible characters, in either form', () => {
    for (const name of ['photo\u202Egpj.exe', 'a\u2066b\u2069c.png', 'x\u200Fy.jpg', 'z\uFEFF.png', 'Сурет\u202E.png']) {
      const dn = downloadName(name, 'png');
      expect(dn).not.toMatch(BIDI_OR_INVISIBLE);
      const cd = contentDisposition(`${name}.png`);
      const star = /filename\*=UTF-8''(.+)$/.exec(cd)?.[1];
      expect(cd).not.toMatch(BIDI_OR_INVISIBLE);
      if (star) expect(decodeURIComponent(star)).not.toMatch(BIDI_OR_INVISIBLE);
    }
    expect(downloadName('photo\u202Egpj.exe', 'png')).toBe('photogpj.png');
  });

  it('a labelled upload named photo\\u202Egpj.exe downloads as photogpj.png, and verify reports the clean name', async () => {
    const fd = new FormData();
    fd.append('file', new Blob([new Uint8Array(png)]), 'photo\u202Egpj.exe');
    const res = await fetch(`${srv.url}/api/v1/label`, { method: 'POST', body: fd, headers: auth() });
    expect(res.status).toBe(200);
    await res.arrayBuffer();
    const cd = res.headers.get('content-disposition') ?? '';
    expect(cd).toBe('attachment; filename="photogpj.png"');

    const v = new FormData();
    v.append('file', new Blob([new Uint8Array(png)]), 'Сурет\u2067\u202Egpj.png');
    const report = await (await fetch(`${srv.url}/api/v1/verify`, { method: 'POST', body: v })).json();
    expect(report.file).toBe('Суретgpj.png');
  });
});

describe('keys and listening address at start (item 8)', () => {
  /** Runs the compiled server until it listens (then stops it) or exits; returns what it printed. */
  async function run(env: Record<string, string>, dataDir?: string): Promise<{ code: number | null; out: string; listening?: string }> {
    const dir = dataDir ?? path.join(tempDir('labeller-sec-start-'), 'data');
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/server.js')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'info', WATCH_ENABLED: 'false', ...env },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const listening = await Promise.race([
      exited.then(() => undefined),
      expect
        .poll(() => /"msg":"labeller listening"/.test(out), { timeout: 40_000, interval: 100 })
        .toBe(true)
        .then(() => JSON.parse(out.split('\n').find((l) => l.includes('labeller listening'))!).url as string),
    ]);
    if (child.exitCode === null) child.kill('SIGTERM');
    const code = await exited;
    return { code, out, listening };
  }

  it('refuses to start when the key file or API_KEYS yields no usable key, naming the setting', async () => {
    const mk = (content: string) => {
      const dir = path.join(tempDir('labeller-sec-keys-'), 'data');
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'api-keys.json'), content, { mode: 0o600 });
      return dir;
    };
    const [empty, blank, nulls, commas] = await Promise.all([
      run({ HOST: '127.0.0.1' }, mk('{"keys":[]}')),
      run({ HOST: '127.0.0.1' }, mk('{"keys":[{"name":"","sha256":""}]}')),
      run({ HOST: '127.0.0.1' }, mk('{"keys":[null]}')),
      run({ HOST: '127.0.0.1', API_KEYS: ' , ,' }),
    ]);
    for (const r of [empty, blank, nulls]) {
      expect(r.listening).toBeUndefined();
      expect(r.code).toBe(2);
      expect(r.out).toMatch(/api-keys\.json/);
    }
    expect(empty.out).toMatch(/holds no key/);
    expect(commas.listening).toBeUndefined();
    expect(commas.code).toBe(2);
    expect(commas.out).toMatch(/API_KEYS/);
  });

  it('listens on loopback by default; warns loudly when open verification listens on every address', async () => {
    const [dflt, open, closed] = await Promise.all([
      run({ API_KEYS: `desk:${KEY}` }),
      run({ API_KEYS: `desk:${KEY}`, HOST: '0.0.0.0' }),
      run({ API_KEYS: `desk:${KEY}`, HOST: '0.0.0.0', VERIFY_REQUIRES_KEY: 'true' }),
    ]);
    expect(dflt.listening).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(dflt.out).not.toMatch(/WARNING/);
    expect(open.listening).toBeTruthy();
    expect(open.out).toMatch(/WARNING: listening on 0\.0\.0\.0/);
    expect(open.out).toMatch(/VERIFY_REQUIRES_KEY=true/);
    expect(open.out).toMatch(/"level":40,.*verification is open without a key/);
    expect(closed.listening).toBeTruthy();
    expect(closed.out).not.toMatch(/WARNING/);
  });

  it('an unexpected fault is logged as fatal and the process exits non-zero', async () => {
    const dir = path.join(tempDir('labeller-sec-fatal-'), 'data');
    const child = spawn(
      process.execPath,
      ['--import', 'data:text/javascript,process.on("SIGUSR2",()=>{throw new Error("injected fault")})', path.join(ROOT, 'dist/server.js')],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH, DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', API_KEYS: `desk:${KEY}`, LOG_LEVEL: 'info', WATCH_ENABLED: 'false' },
      },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      await expect.poll(() => /"msg":"labeller listening"/.test(out), { timeout: 40_000, interval: 100 }).toBe(true);
      child.kill('SIGUSR2');
      expect(await within(exited, 10_000, 'exit after the fault')).toBe(1);
      expect(out).toMatch(/"level":60,.*injected fault.*"msg":"uncaught exception; exiting"/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
