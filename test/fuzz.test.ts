/**
 * A seeded fuzz run against the doors an outsider reaches: the compiled service (REST label and
 * verify, with and without a key) and the CLI. Every generated input must end in success or a
 * clear refusal (4xx / exit 1–2), never a crash, a 5xx, a stalled event loop, runaway memory or a
 * stray file. FUZZ_SEED=<n> reproduces a run; FUZZ_CASES=<n> makes it longer.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { FIXTURES, PEER_FIXTURES, tempDir } from './helpers/context.js';
import { mulberry32, type Rng } from './helpers/rng.js';
import { type ServiceProcess, startServiceProcess } from './helpers/service-process.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20260127);
const HTTP_CASES = Number(process.env.FUZZ_CASES ?? 220);
const CLI_CASES = 60;
const KEY = 'fuzz-secret-0123456789abcdef';
const RSS_LIMIT = 1.5 * 1024 ** 3;
// Verification reads the pictures (OCR) and some cases are large: the run gets room, each case stays bounded.
const FUZZ_TIMEOUT_MS = 900_000;

interface Case {
  name: string;
  bytes: Buffer;
  fields: [string, string][];
}

const SEEDS: [string, string][] = [
  ['images/white.jpg', 'photo.jpg'],
  ['images/tiny.png', 'tiny.png'],
  ['images/black.png', 'black.png'],
  ['images/blue.tiff', 'blue.tiff'],
  ['images/busy.webp', 'busy.webp'],
  ['images/busy.avif', 'busy.avif'],
  ['images/rotated-captioned.jpg', 'rotated.jpg'],
  ['images/generator-c2pa.jpg', 'generator.jpg'],
  ['text/article.md', 'article.md'],
  ['text/page.html', 'page.html'],
  ['text/fragment.html', 'fragment.html'],
  ['text/ru-utf8.txt', 'ru.txt'],
  ['text/ru-cp1251.txt', 'ru-1251.txt'],
  ['text/ru-utf16le-bom.txt', 'ru-16.txt'],
  ['text/kk-emoji-nfd.txt', 'kk.txt'],
];

/** The characters the text scanners look at, and runs of them that backtracking regexes choke on. */
const SCANNER_TOKENS = [
  '<',
  '>',
  '<!--',
  '-->',
  '<p ',
  '<p>',
  '</p>',
  '<script',
  '<script type="application/c2pa">',
  '</script>',
  '<meta ',
  '<link ',
  '<html>',
  '<!doctype html>',
  '[',
  ']',
  '](',
  ')',
  '**',
  '__',
  '`',
  '```',
  '---\n',
  '...\n',
  '# ',
  '> ',
  '- ',
  '* ',
  '\n',
  '\r\n',
  ' ',
  '\t',
  '\0',
  '"',
  "'",
  '=',
  '&amp;',
  '\u{FE0F}',
  '\u{E0100}',
  '\u{FEFF}',
  '\u202E',
  'ЖИ',
  'ИИ',
  'AI',
  'c2pa',
  'ai_generated: false\n',
];

const FIELD_NAMES = [
  'languages',
  'placement',
  'sourceType',
  'aiSystem',
  'aiSystemVersion',
  'prompt',
  'promptWriter',
  'text_kk',
  'text_ru',
  'text_en',
  'quality',
  'title',
  'a[b]',
  'a[b][c]',
  'x[]',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '',
  ' ',
  'file',
  'files[0]',
  'ключ',
  '\u202Elang',
  'a'.repeat(300),
  'languages[]',
  'languages[0]',
];

const FIELD_VALUES = [
  '',
  'kk',
  'kk,ru,en',
  'de',
  'kk,kk,kk',
  'corner',
  'band-top',
  'start',
  'nope',
  '-1',
  '1e309',
  '101',
  'NaN',
  '{"a":1}',
  '[1,2]',
  '\0',
  '\u202E',
  'Ж'.repeat(2000),
];

function pick<T>(rng: Rng, list: readonly T[]): T {
  return list[Math.floor(rng() * list.length)];
}

function mutate(rng: Rng, src: Buffer): Buffer {
  const b = Buffer.from(src);
  switch (Math.floor(rng() * 7)) {
    case 0: // flip bits
      for (let i = 0, n = 1 + Math.floor(rng() * 16); i < n && b.length; i++) b[Math.floor(rng() * b.length)] ^= 1 << Math.floor(rng() * 8);
      return b;
    case 1: // truncate
      return b.subarray(0, Math.floor(rng() * b.length));
    case 2: // overwrite a run with zeros or 0xff
      if (b.length) b.fill(rng() < 0.5 ? 0 : 0xff, Math.floor(rng() * b.length), Math.floor(rng() * b.length));
      return b;
    case 3: {
      // duplicate a slice in place (repeated chunks, segments, boxes)
      const at = Math.floor(rng() * b.length);
      const len = Math.min(b.length - at, 1 + Math.floor(rng() * 4096));
      const slice = b.subarray(at, at + len);
      return Buffer.concat([b.subarray(0, at), slice, slice, slice, b.subarray(at + len)]);
    }
    case 4: {
      // insert random bytes
      const at = Math.floor(rng() * b.length);
      const junk = Buffer.from(Array.from({ length: 1 + Math.floor(rng() * 512) }, () => Math.floor(rng() * 256)));
      return Buffer.concat([b.subarray(0, at), junk, b.subarray(at)]);
    }
    case 5: // header of one file, body of another
      return Buffer.concat([b.subarray(0, Math.max(16, Math.floor(b.length / 3))), Buffer.from(scannerText(rng, 2000))]);
    default: // lie about lengths: large 32-bit numbers written at random offsets
      for (let i = 0; i < 4 && b.length > 8; i++) b.writeUInt32BE(Math.floor(rng() * 0xffffffff), Math.floor(rng() * (b.length - 4)));
      return b;
  }
}

function scannerText(rng: Rng, approxBytes: number): string {
  const parts: string[] = [];
  let size = 0;
  // Long runs of one token are what quadratic scans are slow on; mixes find the rest.
  const run = rng() < 0.5 ? pick(rng, SCANNER_TOKENS) : undefined;
  while (size < approxBytes) {
    const t = run && rng() < 0.95 ? run : pick(rng, SCANNER_TOKENS);
    parts.push(t);
    size += t.length;
  }
  return parts.join('');
}

function randomName(rng: Rng, ext: string): string {
  const stems = ['photo', '../../etc/passwd', 'a\u202Egpj.exe', 'фото', '..', '.hidden', 'con', 'x'.repeat(400), 'a"b<c>|d', 'tab\tname', 'nul\0byte'];
  const exts = [ext, ext, ext, 'jpg', 'txt', 'md', 'html', 'png', '', 'exe', 'JPG'];
  return `${pick(rng, stems)}.${pick(rng, exts)}`;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(td) >>> 0);
  return Buffer.concat([head, td, crc]);
}

/** A small PNG whose compressed text chunks inflate to 4 × 16 MB (a metadata bomb). */
function textBombPng(tiny: Buffer): Buffer {
  const iend = tiny.length - 12;
  const bomb = zlib.deflateSync(Buffer.alloc(16 * 1024 * 1024, 0x41), { level: 9 });
  const chunks = Array.from({ length: 4 }, (_, i) => pngChunk('zTXt', Buffer.concat([Buffer.from(`Comment${i}\0\0`, 'latin1'), bomb])));
  return Buffer.concat([tiny.subarray(0, iend), ...chunks, tiny.subarray(iend)]);
}

function makeCases(rng: Rng, n: number): Case[] {
  const seeds = SEEDS.map(([file, name]) => ({ name, bytes: fs.readFileSync(path.join(FIXTURES, file)) }));
  const peer = ['C.jpg', 'XCA.jpg', 'cloud.jpg', 'no_alg.jpg', 'sample1.png', 'test.tiff'].map((f) => ({
    name: f,
    bytes: fs.readFileSync(path.join(PEER_FIXTURES, f)),
  }));
  const all = [...seeds, ...peer];
  const tiny = seeds[1].bytes;
  const cases: Case[] = [{ name: 'bomb.png', bytes: textBombPng(tiny), fields: [] }];
  for (let i = cases.length; i < n; i++) {
    const roll = rng();
    const src = pick(rng, all);
    const ext = path.extname(src.name).slice(1);
    let bytes: Buffer;
    let name: string;
    if (roll < 0.55) {
      bytes = mutate(rng, src.bytes);
      name = rng() < 0.8 ? src.name : randomName(rng, ext);
    } else if (roll < 0.85) {
      bytes = Buffer.from(scannerText(rng, pick(rng, [200, 5_000, 60_000, 250_000])));
      name = `scan.${pick(rng, ['txt', 'md', 'html', 'htm', 'jpg'])}`;
    } else {
      bytes = src.bytes;
      name = randomName(rng, ext);
    }
    const fields: [string, string][] = [];
    // Most cases carry no field, so the bytes reach the deep parsers instead of an early 400.
    for (let f = 0, nf = rng() < 0.6 ? 0 : 1 + Math.floor(rng() * 3); f < nf; f++) fields.push([pick(rng, FIELD_NAMES), pick(rng, FIELD_VALUES)]);
    cases.push({ name, bytes, fields });
  }
  return cases;
}

let child: ChildProcessWithoutNullStreams;
let url = '';
let dataDir = '';
let service: ServiceProcess;

beforeAll(async () => {
  dataDir = path.join(tempDir('labeller-fuzz-'), 'data');
  service = await startServiceProcess({
    DATA_DIR: dataDir,
    API_KEYS: `fuzz:${KEY}`,
    // The fuzz run measures robustness, not the rate limits (tested on their own).
    RATE_LIMIT_PER_MINUTE: '100000',
    ANON_VERIFY_PER_MINUTE: '100000',
    MALLOC_ARENA_MAX: '2',
  });
  child = service.child;
  url = service.url;
});

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
  return Number(kb ?? 0) * 1024;
}

async function healthLatency(): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${url}/healthz`);
  await res.arrayBuffer();
  expect(res.status).toBe(200);
  return performance.now() - t0;
}

describe(`fuzz (seed ${SEED})`, () => {
  it(
    `${HTTP_CASES} hostile uploads to the REST doors: success or 4xx, the service answers, memory bounded`,
    async () => {
      const rng = mulberry32(SEED);
      const cases = makeCases(rng, HTTP_CASES);
      const latencies: number[] = [];
      const statuses = new Map<number, number>();
      let peakRss = 0;
      for (const [i, c] of cases.entries()) {
        const route = rng() < 0.5 ? '/api/v1/verify' : '/api/v1/label';
        const fd = new FormData();
        for (const [k, v] of c.fields) fd.append(k, v);
        fd.append('file', new Blob([new Uint8Array(c.bytes)]), c.name);
        const pending = fetch(`${url}${route}`, { method: 'POST', body: fd, headers: rng() < 0.8 ? { Authorization: `Bearer ${KEY}` } : {} });
        // While the request runs, the event loop must keep answering.
        const probes: Promise<number>[] = [];
        let done = false;
        const tick = setInterval(() => !done && probes.push(healthLatency().catch(() => Number.POSITIVE_INFINITY)), 150);
        const where = `case ${i} (${route}, ${c.name.slice(0, 40)}, ${c.bytes.length} bytes, fields ${JSON.stringify(c.fields).slice(0, 120)}, seed ${SEED})`;
        const res = await pending.catch((err) => {
          throw new Error(`${where}: no answer (${err.cause?.message ?? err}); service log:\n${service.logs().slice(-1500)}`);
        });
        const body = Buffer.from(await res.arrayBuffer());
        done = true;
        clearInterval(tick);
        latencies.push(...(await Promise.all(probes)), await healthLatency());
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status < 300 || (res.status >= 400 && res.status < 500), `${where}: HTTP ${res.status} ${body.toString('utf8', 0, 300)}`).toBe(true);
        if (res.status >= 400) {
          const problem = JSON.parse(body.toString('utf8'));
          expect(problem.code, where).toMatch(/^[a-z_]+$/);
          expect(body.toString('utf8'), where).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
        }
        const disposition = res.headers.get('content-disposition') ?? '';
        expect(disposition, where).not.toMatch(/[\u0000-\u001f\u202a-\u202e\u2066-\u2069]|\.\.[\\/]/);
        peakRss = Math.max(peakRss, rssOf(child.pid!));
        expect(peakRss, where).toBeLessThan(RSS_LIMIT);
      }
      latencies.sort((a, b) => a - b);
      const p95 = latencies[Math.floor(latencies.length * 0.95)];
      const max = latencies[latencies.length - 1];
      console.log(
        `fuzz seed ${SEED}: statuses ${JSON.stringify(Object.fromEntries(statuses))}; /healthz p95 ${p95.toFixed(0)} ms, max ${max.toFixed(0)} ms; peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB`,
      );
      // 200 ms is the goal; the machine is shared by the other test files, so the worst single probe gets room.
      expect(p95).toBeLessThan(200);
      expect(max).toBeLessThan(2000);
      expect(child.exitCode).toBeNull();
      expect(service.logs()).not.toMatch(/uncaught|unhandled/i);
    },
    FUZZ_TIMEOUT_MS,
  );

  it('leaves nothing in DATA_DIR but the record, the keys and the identity', () => {
    const stray: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else stray.push(path.relative(dataDir, p));
      }
    };
    walk(dataDir);
    const allowed = /^(records\.sqlite(-wal|-shm|-journal)?|api-keys\.json|watermark\.key|identity[\\/].+)$/;
    expect(stray.filter((f) => !allowed.test(f))).toEqual([]);
  });

  it(
    `${CLI_CASES} hostile files through the CLI: exit 0, 1 or 2 with a one-line reason, no partial outputs`,
    () => {
      const rng = mulberry32(SEED + 1);
      const cases = makeCases(rng, CLI_CASES);
      const dir = tempDir('labeller-fuzz-cli-');
      const env = { DATA_DIR: path.join(dir, 'data') };
      // Batches of ten files per process keep the run short; each batch is both verified and labelled.
      for (let b = 0; b < cases.length; b += 10) {
        const inDir = path.join(dir, `in-${b}`);
        const outDir = path.join(dir, `out-${b}`);
        fs.mkdirSync(inDir);
        const files = cases.slice(b, b + 10).map((c, i) => {
          const safe = `${i}-${c.name.replace(/[^\w.-]/g, '_').slice(-60)}`;
          const p = path.join(inDir, safe);
          fs.writeFileSync(p, c.bytes);
          return p;
        });
        const before = new Map(files.map((f) => [f, fs.readFileSync(f)]));
        for (const args of [
          ['verify', ...files, '--json'],
          ['label', ...files, '-o', `${outDir}/`],
        ]) {
          const r = runCli(args, env);
          const where = `CLI ${args[0]} batch ${b} (seed ${SEED + 1}): ${r.stderr.slice(0, 400)}`;
          expect([0, 1, 2], where).toContain(r.code);
          expect(r.stderr, where).not.toMatch(/\n\s+at |node_modules\/|\.ts:\d+|RangeError|TypeError/);
        }
        if (fs.existsSync(outDir)) expect(fs.readdirSync(outDir).filter((f) => /\.part$|^\./.test(f))).toEqual([]);
        // The originals are never touched.
        for (const [f, bytes] of before) expect(fs.readFileSync(f).equals(bytes)).toBe(true);
      }
    },
    FUZZ_TIMEOUT_MS,
  );
});
