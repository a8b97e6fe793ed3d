/**
 * The structure that makes labelling fast (issue 13), checked without timing anything:
 * one full-size decode per labelled JPEG (the thumbnail and the record's fingerprint come from
 * the pixels the pipeline already has, or from a shrink-on-load decode), no decode of the
 * output for the record, a CLI batch that runs files side by side yet reports in input order,
 * memory that does not grow with the batch, and a start-up that loads only what a batch needs.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ExifTool } from 'exiftool-vendored';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { label } from '../src/core/label.js';
import { inOrder } from '../src/cli/in-order.js';
import { BACKING, planMark } from '../src/label/image-mark.js';
import { decodeCounts, encodeLabelled, gridPipelines, labelOnce, resetDecodeCounts } from '../src/media/sharp.js';
import { STORED_ISCC_CROPS } from '../src/registry/iscc-index.js';
import { quickImage, sniff } from '../src/media/sniff.js';
import { collapseText, distinctFeatures } from '../src/domain/iscc/text-code.js';
import { minhash, permute } from '../src/domain/iscc/minhash.js';
import { runCli } from './helpers/cli.js';
import { ROOT, tempDir, testContext } from './helpers/context.js';

type Ctx = Awaited<ReturnType<typeof testContext>>;
let ctx: Ctx;
let work: string;

/** A photo-like RGB picture (gradient + texture) made in memory, so JPEG has real work to do. */
function photoPixels(width: number, height: number, seed = 1): Buffer {
  const px = Buffer.alloc(width * height * 3);
  let s = seed;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      s = (s * 1103515245 + 12345) >>> 0;
      const n = (s >>> 24) - 128;
      const i = (y * width + x) * 3;
      px[i] = Math.max(0, Math.min(255, (x * 255) / width + n / 4));
      px[i + 1] = Math.max(0, Math.min(255, (y * 255) / height + n / 4));
      px[i + 2] = Math.max(0, Math.min(255, 128 + n / 3));
    }
  }
  return px;
}

function photoJpeg(width: number, height: number, seed = 1): Promise<Buffer> {
  return sharp(photoPixels(width, height, seed), { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** The same input labelled by the one-decode path and by libvips' own pipeline, without the watermark. */
async function bothPaths(input: Buffer, width: number, height: number) {
  const plan = await planMark(width, height, ['ЖИ көмегімен жасалған', 'Создано с помощью ИИ'], 'ЖИ · ИИ', 'corner');
  const p = {
    format: 'jpeg' as const,
    maxPixels: 1e8,
    hasAlpha: false,
    extend: plan.extend,
    extendColour: BACKING,
    mark: { png: plan.png, left: plan.region.x, top: plan.region.y },
  };
  const xmp = '<x:xmpmeta xmlns:x="adobe:ns:meta/"></x:xmpmeta>';
  const once = await labelOnce(input, { ...p, canvas: plan.canvas }, { xmp, quality: 92 }, 512);
  return { once, twice: await encodeLabelled(input, p, { xmp, quality: 92 }) };
}

function meanDifference(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

beforeAll(async () => {
  ctx = await testContext();
  work = tempDir('labeller-perf-');
});

afterAll(async () => {
  await ctx.records?.close();
});

describe('one decode per labelled image', () => {
  it('an RGB JPEG is decoded once: no thumbnail decode, no decode of the output for the record', async () => {
    const input = await photoJpeg(2400, 1600);
    resetDecodeCounts();
    const r = await label(input, {}, ctx);
    expect(decodeCounts()).toEqual({ header: 1, full: 1, reduced: 0, fingerprint: 0 });
    // 11 ISCC crops; the soft binding's code and the 3 pHashes share their grids (whole picture, centre crops).
    expect(gridPipelines()).toBe(STORED_ISCC_CROPS.length);
    expect(r.record.id).toBeTruthy();
    // The record's fingerprints, made from the pipeline's own small copy, still find a stripped copy.
    const stripped = await sharp(r.bytes).jpeg({ quality: 80 }).toBuffer();
    const signals = await ctx.records!.traceCopy(stripped, 'image');
    expect(signals.map((s) => s.source)).toContain('registry');
  });

  it('a JPEG with an ICC profile is decoded once too: its pixels stay in its colour space, its profile is kept, as the two-pipeline path does', async () => {
    const raw = { raw: { width: 1200, height: 800, channels: 3 as const } };
    const withProfile = await sharp(photoPixels(1200, 800, 2), raw)
      .withIccProfile('p3')
      .jpeg({ quality: 90 })
      .toBuffer();
    resetDecodeCounts();
    const r = await label(withProfile, {}, ctx);
    expect(decodeCounts()).toEqual({ header: 1, full: 1, reduced: 0, fingerprint: 0 });
    const [inMeta, outMeta] = await Promise.all([withProfile, r.bytes].map((b) => sharp(b).metadata()));
    expect(outMeta.icc?.equals(inMeta.icc!)).toBe(true);
    // The same picture as libvips' own pipeline (which keeps the profile and does not convert).
    const { once, twice } = await bothPaths(withProfile, 1200, 800);
    const [a, b] = await Promise.all([once.bytes, twice].map((x) => sharp(x).keepIccProfile().raw().toBuffer()));
    expect(meanDifference(a, b)).toBeLessThan(0.5);
  });

  it('an RGB WebP, PNG or TIFF without EXIF or profile (what generators write) is decoded once too, and stays in its format', async () => {
    const raw = { raw: { width: 1200, height: 800, channels: 3 as const } };
    const inputs = [
      await sharp(photoPixels(1200, 800, 3), raw)
        .webp({ quality: 85 })
        .toBuffer(),
      await sharp(photoPixels(1200, 800, 5), raw)
        .png()
        .toBuffer(),
      await sharp(photoPixels(1200, 800, 6), raw)
        .tiff({ compression: 'lzw' })
        .toBuffer(),
    ];
    for (const [i, input] of inputs.entries()) {
      resetDecodeCounts();
      const r = await label(input, {}, ctx);
      // (A PNG's or TIFF's header is read in the parse worker: text chunks can be large.)
      expect(decodeCounts()).toMatchObject({ full: 1, reduced: 0, fingerprint: 0 });
      const m = await sharp(r.bytes).metadata();
      expect([m.format, m.channels]).toEqual([['webp', 'png', 'tiff'][i], 3]);
      expect(r.record.watermark).toBeTruthy();
    }
  });

  it('the one-decode JPEG is the picture the two-pipeline path makes, with EXIF turned upright and IPTC kept', async () => {
    const file = path.join(work, 'rotated.jpg');
    await sharp(photoPixels(600, 400, 4), { raw: { width: 600, height: 400, channels: 3 } })
      .withMetadata({ orientation: 6 })
      .withExif({ IFD0: { Copyright: '© 2026 Test Agency', Orientation: '6' } })
      .jpeg({ quality: 90 })
      .toFile(file);
    const et = new ExifTool({ maxProcs: 1 });
    try {
      await et.write(file, { 'Caption-Abstract': 'Steppe at dawn', Keywords: ['steppe'] } as never, ['-overwrite_original']);
      const before = (await et.read(file)) as Record<string, unknown>;
      expect(before.Orientation).toBe(6);
      expect(before.Copyright).toMatch(/2026 Test Agency/);
      const input = fs.readFileSync(file);
      const { once, twice } = await bothPaths(input, 400, 600);
      const [a, b] = await Promise.all([once.bytes, twice].map((x) => sharp(x).raw().toBuffer({ resolveWithObject: true })));
      expect([a.info.width, a.info.height]).toEqual([400, 600]);
      expect([a.info.width, a.info.height]).toEqual([b.info.width, b.info.height]);
      expect(meanDifference(a.data, b.data)).toBeLessThan(0.5);
      const out = path.join(work, 'once.jpg');
      fs.writeFileSync(out, once.bytes);
      const tags = (await et.read(out)) as Record<string, unknown>;
      expect(tags.Orientation ?? 1).toBe(1);
      expect(tags['Caption-Abstract']).toBe('Steppe at dawn');
      expect(tags.Copyright).toBe(before.Copyright);
      expect(tags.Warning).toBeUndefined();
      expect(once.preview.grey.width).toBeLessThanOrEqual(512);
      expect(once.preview.grey.height).toBe(512);
    } finally {
      await et.end();
    }
  });
});

describe('a batch from the command line', () => {
  it('runs at most n files at once and hands results on in input order, whichever finishes first', async () => {
    const release: (() => void)[] = [];
    let running = 0;
    let most = 0;
    const emitted: number[] = [];
    const done = inOrder(
      [0, 1, 2, 3, 4],
      2,
      (item) =>
        new Promise<number>((resolve) => {
          most = Math.max(most, ++running);
          release[item] = () => {
            running--;
            resolve(item);
          };
        }),
      (r) => emitted.push(r),
    );
    const tick = () => new Promise((r) => setImmediate(r));
    await tick();
    release[1](); // the second finishes first: held until the first is done
    await tick();
    expect(emitted).toEqual([]);
    release[0]();
    await tick();
    expect(emitted).toEqual([0, 1]);
    for (const i of [3, 2, 4]) {
      await tick();
      release[i]();
    }
    await done;
    expect(emitted).toEqual([0, 1, 2, 3, 4]);
    expect(most).toBe(2);
  });

  it('labels side by side (--concurrency 2) and prints warnings, errors and --json records in input order', async () => {
    const dir = path.join(work, 'order-in');
    fs.mkdirSync(dir, { recursive: true });
    // A big file first (slowest), then small ones that finish earlier, and a broken one between them.
    const files = ['a-big.jpg', 'b-tiny.jpg', 'c-broken.jpg', 'd-tiny.png', 'e-tiny.jpg'].map((f) => path.join(dir, f));
    fs.writeFileSync(files[0], await photoJpeg(3000, 2000, 5));
    fs.writeFileSync(
      files[1],
      await sharp({ create: { width: 48, height: 32, channels: 3, background: '#369' } })
        .jpeg()
        .toBuffer(),
    );
    fs.writeFileSync(files[2], (await photoJpeg(800, 600, 6)).subarray(0, 3000));
    fs.writeFileSync(
      files[3],
      await sharp({ create: { width: 40, height: 30, channels: 3, background: '#963' } })
        .png()
        .toBuffer(),
    );
    fs.writeFileSync(
      files[4],
      await sharp({ create: { width: 44, height: 30, channels: 3, background: '#393' } })
        .jpeg()
        .toBuffer(),
    );
    const out = path.join(work, 'order-out') + '/';
    const r = runCli(['label', ...files, '-o', out, '--concurrency', '2', '--json'], { DATA_DIR: path.join(work, 'cli-data') });
    expect(r.code).toBe(2);
    const records = JSON.parse(r.stdout) as { input: string }[];
    expect(records.map((x) => path.basename(x.input))).toEqual(['a-big.jpg', 'b-tiny.jpg', 'd-tiny.png', 'e-tiny.jpg']);
    const named = r.stderr
      .split('\n')
      .map((l) => /(\w-[\w-]+\.(?:jpg|png)):/.exec(l)?.[1])
      .filter(Boolean);
    expect(named).toEqual(['b-tiny.jpg', 'c-broken.jpg', 'd-tiny.png', 'e-tiny.jpg']);
    expect(fs.readdirSync(out).sort()).toEqual(['a-big.jpg', 'b-tiny.jpg', 'd-tiny.png', 'e-tiny.jpg']);
    expect(runCli(['label', files[1], '-o', path.join(work, 'x.jpg'), '--concurrency', '0']).stderr).toMatch(/--concurrency: "0"/);
  });

  it('keeps its memory bounded: nine 12 MP files two at a time stay far below 1.2 GB and under twice the peak of three', async () => {
    const dir = path.join(work, 'rss-in');
    fs.mkdirSync(dir, { recursive: true });
    const files: string[] = [];
    const one = await photoJpeg(4000, 3000, 7);
    for (let i = 0; i < 9; i++) {
      files.push(path.join(dir, `p${i}.jpg`));
      fs.writeFileSync(files[i], one);
    }
    const peak = async (inputs: string[], name: string): Promise<number> => {
      const child = spawn(process.execPath, [path.join(ROOT, 'bin/labeller.js'), 'label', ...inputs, '-o', path.join(work, name) + '/', '--concurrency', '2'], {
        env: { ...process.env, DATA_DIR: path.join(work, 'rss-data') },
        stdio: 'ignore',
      });
      let hwm = 0;
      const sample = setInterval(() => {
        try {
          hwm = Math.max(hwm, Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024);
        } catch {
          /* exited */
        }
      }, 20);
      const code = await new Promise<number | null>((r) => child.once('exit', r));
      clearInterval(sample);
      expect(code).toBe(0);
      return hwm;
    };
    const three = await peak(files.slice(0, 3), 'rss-3');
    const nine = await peak(files, 'rss-9');
    expect(three).toBeGreaterThan(0);
    // The heap and malloc arenas grow over the first files, then level off (bench/batch-rss.bench.ts:
    // ~600 MB after ten files, ~670 MB after a hundred); a buffer kept per file would not level off.
    expect(nine).toBeLessThan(three * 2);
    expect(nine).toBeLessThan(1.2e9);
  }, 240_000);

  it('labelling a JPEG without metadata loads neither ExifTool, the certificate library (the identity exists) nor the text encodings', () => {
    const dataDir = path.join(work, 'lazy-data');
    const input = path.join(work, 'lazy.jpg');
    fs.writeFileSync(input, fs.readFileSync(path.join(work, 'order-in', 'b-tiny.jpg')));
    expect(runCli(['label', input, '-o', path.join(work, 'lazy-1.jpg')], { DATA_DIR: dataDir }).code).toBe(0); // creates the identity
    const script = `
      import { main } from './dist/cli.js';
      const code = await main(['node', 'labeller', 'label', ${JSON.stringify(input)}, '-o', ${JSON.stringify(path.join(work, 'lazy-2.jpg'))}]);
      const { createRequire } = await import('node:module');
      process.stdout.write(JSON.stringify({ code, modules: Object.keys(createRequire(import.meta.url).cache) }));
    `;
    const r = spawnSync(
      process.execPath,
      [
        '--experimental-loader',
        'data:text/javascript,export async function resolve(s,c,n){const r=await n(s,c);if(r.url.includes("/node_modules/"))process.stderr.write("@@load "+r.url+"\\n");return r}',
        '--input-type=module',
        '-e',
        script,
      ],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DATA_DIR: dataDir } },
    );
    const { code, modules } = JSON.parse(r.stdout) as { code: number; modules: string[] };
    expect(code).toBe(0);
    const urls = [...modules, ...r.stderr.split('\n').filter((l) => l.startsWith('@@load '))];
    expect(urls.some((u) => u.includes('/node_modules/sharp/'))).toBe(true); // the check can see what was loaded
    expect(urls.filter((u) => /\/node_modules\/(exiftool-vendored|@peculiar\/x509|tsyringe|iconv-lite|chardet)\//.test(u))).toEqual([]);
    // Nor what a JPEG batch has no use for: c2pa-node's settings helpers (its classes come from
    // their own files), file-type (a JPEG is known by its first bytes), the progress bar (no terminal).
    expect(urls.some((u) => u.includes('/node_modules/@contentauth/c2pa-node/'))).toBe(true);
    expect(urls.filter((u) => /\/node_modules\/(node-fetch|fs-extra|fetch-blob|file-type|strtok3|cli-progress)\//.test(u))).toEqual([]);
  });

  it('a JPEG or WebP known by its first bytes is what file-type would call it; other bytes still go to file-type', async () => {
    const { fileTypeFromBuffer } = await import('file-type');
    const jpeg = await photoJpeg(64, 48);
    const webp = await sharp(photoPixels(64, 48), { raw: { width: 64, height: 48, channels: 3 } })
      .webp()
      .toBuffer();
    const png = await sharp(photoPixels(64, 48), { raw: { width: 64, height: 48, channels: 3 } })
      .png()
      .toBuffer();
    const jls = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xf7]), jpeg.subarray(4)]);
    const avi = Buffer.concat([Buffer.from('RIFF\x10\0\0\0AVI LIST', 'latin1'), Buffer.alloc(64)]);
    for (const bytes of [jpeg, webp, png, jls, avi]) {
      const ft = await fileTypeFromBuffer(bytes);
      const s = await sniff(bytes);
      expect(s.mimeType).toBe(ft?.mime);
    }
    expect([quickImage(jpeg), quickImage(webp), quickImage(png), quickImage(jls), quickImage(avi)]).toEqual(['jpeg', 'webp', undefined, undefined, undefined]);
  });
});

describe('the ISCC Text-Code of a megabyte (the label of a text computes it before signing)', () => {
  it('collapses by a table of dropped characters, exactly as the Unicode property regex did', () => {
    const sample =
      'Қазақ\u200b тілі\ufe0f\u00ad. Ёжик й\u0306 — «цитата»!\t\r\n\u2028ﬁ ① 😀\ud83d\ude00 \ud800 \udc00x 𝔘𝔫𝔦 \u0301e\u0301 中文，标点。 \u00a0\u202f\ufeff\u200d👩\u200d💻 \u{e0001}tag';
    const viaRegex = (t: string) =>
      t
        .normalize('NFD')
        .toLowerCase()
        .replace(/[\p{C}\p{M}\p{P}\p{Z}]/gu, '')
        .normalize('NFKC');
    expect(collapseText(sample)).toBe(viaRegex(sample));
    let all = '';
    for (let c = 0; c < 0x10000; c += 7) all += String.fromCharCode(c);
    for (let c = 0x10000; c < 0x30000; c += 97) all += String.fromCodePoint(c);
    expect(collapseText(all)).toBe(viaRegex(all));
  });

  it('MinHash: the inlined arithmetic gives the minima of permute() over every feature, duplicates counted once', () => {
    let seed = 11;
    const features = new Uint32Array(5000);
    for (let i = 0; i < features.length; i++) features[i] = seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    features.set([0, 1, 0xffffffff, 0x80000000, 0x7fffffff, 0xffff, 0x10000, 0, 1]);
    const want = Array.from({ length: 64 }, (_, k) => Math.min(...Array.from(features, (f) => permute(k, f))));
    expect(Array.from(minhash(features))).toEqual(want);
    const distinct = distinctFeatures(features);
    expect(distinct.length).toBe(new Set(features).size);
    expect(Array.from(minhash(distinct))).toEqual(want);
  });
});
