/**
 * The invisible watermark (issue 17), measured:
 *   1. speed: labelling a 12 MP JPEG with and without the watermark (WATERMARK_KEY=off),
 *      alternating, and detecting it in the labelled file (decode + worker), against the
 *      labelling time of the same run;
 *   2. robustness: N varied pictures (photo-like scenes, shapes with text upscaled, flat sky
 *      gradients) labelled through the real pipeline, each transformation of the issue applied,
 *      the raw bit error rate of the coded bits (before Viterbi, at the strongest sync) and
 *      whether the right mark decodes; plus what breaks it;
 *   3. false positives: M unmarked pictures (varied synthetic ones + the fixtures) read with the key;
 *   4. the 100 % crop of a flat sky for the README (docs/watermark-sky-crop.png).
 *
 *   npx tsx bench/watermark.bench.ts [pictures=100] [unmarked=1000] [rounds=3]   (0 skips a part: 0 rounds, no speed)
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { loadConfig } from '../src/config.js';
import { label } from '../src/core/label.js';
import type { CoreContext } from '../src/core/types.js';
import { packPayload, unpackPayload, type WatermarkPayload } from '../src/domain/watermark.js';
import { encode, viterbi } from '../src/label/watermark/code.js';
import { attempts, bitErrors, DETECT_LONG_SIDE, MAX_DECODES } from '../src/label/watermark/detect.js';
import { greyMaster, watermarkRaw } from '../src/media/sharp.js';
import { watermarkDelta, workingSize } from '../src/label/watermark/embed.js';
import { findWatermark } from '../src/signals/watermark.js';
import { createContext } from '../src/startup.js';
import { ROOT, tempDir } from '../test/helpers/context.js';
import { psnr, ssim } from '../test/helpers/quality.js';
import { mulberry32 } from '../test/helpers/rng.js';
import { photoLike, skyJpeg, unrelatedPicture } from '../test/helpers/synthetic.js';
import { BREAKERS, TRANSFORMS, type Transform } from '../test/helpers/watermark-copies.js';
import { median, OUT, table, twelveMegapixelJpegs } from './common.js';

const PICTURES = Number(process.argv[2] ?? 100);
const UNMARKED = Number(process.argv[3] ?? 1000);
const ROUNDS = Number(process.argv[4] ?? 3);
/** The first picture of the robustness set (two processes can share the set: 0 and 50). */
const FROM = Number(process.argv[5] ?? 0);
const MAX_PIXELS = 120_000_000;
/** The transformations it is not built for run on this many pictures only (the bench's time). */
const BREAKER_PICTURES = 10;

async function context(key?: 'off'): Promise<CoreContext> {
  const dataDir = tempDir('labeller-wm-bench-');
  return createContext({ config: loadConfig({ DATA_DIR: dataDir, ...(key ? { WATERMARK_KEY: key } : {}) } as NodeJS.ProcessEnv), records: false });
}

/** A flat sky: a smooth gradient with faint noise. */
function sky(width: number, height: number, seed: number): Promise<Buffer> {
  const rng = mulberry32(seed);
  const top = [60 + rng() * 60, 120 + rng() * 60, 200 + rng() * 40];
  return skyJpeg(width, height, (y) => top.map((t) => t + ((255 - t) * 0.6 * y) / height), rng);
}

/** Picture i of the robustness set: 1200 × 800 (or 800 × 1200), three kinds in turn. */
async function picture(i: number): Promise<Buffer> {
  const [w, h] = i % 5 === 4 ? [800, 1200] : [1200, 800];
  if (i % 3 === 0) return photoLike(w, h, 1000 + i);
  if (i % 3 === 1)
    return sharp(await unrelatedPicture(1000 + i, w / 2, h / 2))
      .resize(w, h)
      .jpeg({ quality: 90 })
      .toBuffer();
  return sky(w, h, 1000 + i);
}

function seconds(t0: number): number {
  return (performance.now() - t0) / 1000;
}

async function speed(on: CoreContext, off: CoreContext): Promise<string> {
  const [file] = await twelveMegapixelJpegs(1);
  const input = fs.readFileSync(file);
  const withMark: number[] = [];
  const without: number[] = [];
  const cpuWith: number[] = [];
  const cpuWithout: number[] = [];
  const detect: number[] = [];
  let labelled: Buffer = Buffer.alloc(0);
  // Warm-up: fonts, workers, the layout of the key, the JIT and WebAssembly tiers.
  for (let r = 0; r < 2; r++) {
    await label(input, {}, on);
    await label(input, {}, off);
  }
  const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
  for (let r = 0; r < ROUNDS; r++) {
    let t0 = performance.now();
    let c0 = process.cpuUsage();
    labelled = (await label(input, {}, on)).bytes;
    withMark.push(performance.now() - t0);
    cpuWith.push(cpuMs(process.cpuUsage(c0)));
    t0 = performance.now();
    c0 = process.cpuUsage();
    await label(input, {}, off);
    without.push(performance.now() - t0);
    cpuWithout.push(cpuMs(process.cpuUsage(c0)));
  }
  await findWatermark(labelled, on.watermarkKey!, MAX_PIXELS);
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    if (!(await findWatermark(labelled, on.watermarkKey!, MAX_PIXELS))) throw new Error('the 12 MP picture lost its mark');
    detect.push(performance.now() - t0);
  }
  // The embedding alone, on the decoded 12 MP pixels, as labelOnce runs it (luminance sample, layer, blend).
  const { data, info } = await sharp(input).raw().toBuffer({ resolveWithObject: true });
  const size = workingSize(info.width, info.height);
  const direct: number[] = [];
  for (let r = 0; r < ROUNDS + 1; r++) {
    const t0 = performance.now();
    watermarkRaw(data, info, { size, delta: (g) => watermarkDelta(g, on.watermarkKey!, { issuer: 1, markId: 1 }) });
    if (r) direct.push(performance.now() - t0);
  }
  const base = median(without);
  const embed = median(withMark) - base;
  return [
    `12 MP JPEG (4000 × 3000), median of ${ROUNDS} alternating runs:`,
    '',
    table(
      ['', 'ms', 'share of labelling without the watermark'],
      [
        ['labelling, WATERMARK_KEY=off', base.toFixed(0), '100 %'],
        ['labelling with the watermark', median(withMark).toFixed(0), `${((median(withMark) / base) * 100).toFixed(0)} %`],
        ['embedding (the difference)', embed.toFixed(0), `${((embed / base) * 100).toFixed(1)} %`],
        [
          'CPU of labelling (all threads), off → on',
          `${median(cpuWithout).toFixed(0)} → ${median(cpuWith).toFixed(0)}`,
          `+${(((median(cpuWith) - median(cpuWithout)) / median(cpuWithout)) * 100).toFixed(1)} %`,
        ],
        ['embedding alone (timed on the decoded pixels)', median(direct).toFixed(0), `${((median(direct) / base) * 100).toFixed(1)} %`],
        ['detection (decode at ≤ 1024 px + worker)', median(detect).toFixed(0), `${((median(detect) / base) * 100).toFixed(0)} %`],
      ],
    ),
  ].join('\n');
}

interface Cell {
  ok: number;
  ber: number[];
}

async function robustness(on: CoreContext, off: CoreContext): Promise<string> {
  const all: Transform[] = [{ id: 'none', what: 'the labelled file itself', apply: async (b) => b }, ...TRANSFORMS, ...BREAKERS];
  const cells = new Map<string, Cell>(all.map((t) => [t.id, { ok: 0, ber: [] }]));
  const quality: { db: number; s: number }[] = [];
  const t0 = performance.now();
  const row = (t: Transform) => {
    const c = cells.get(t.id)!;
    const mean = c.ber.reduce((a, b) => a + b, 0) / c.ber.length;
    return [t.id, t.what, `${(mean * 100).toFixed(1)} %`, `${(median(c.ber) * 100).toFixed(1)} %`, `${c.ok}/${c.ber.length}`];
  };
  const head = ['copy', 'what', 'raw bit errors, mean', 'median', 'decoded'];
  for (let i = FROM; i < FROM + PICTURES; i++) {
    const input = await picture(i);
    const r = await label(input, {}, on);
    const mark = r.record.watermark!;
    const coded = encode(packPayload(mark));
    if (i < 10) {
      const plain = await label(input, {}, off);
      quality.push({ db: await psnr(r.bytes, plain.bytes), s: await ssim(r.bytes, plain.bytes) });
    }
    for (const t of all) {
      if (BREAKERS.includes(t) && i - FROM >= BREAKER_PICTURES) continue;
      const copy = await t.apply(r.bytes);
      const g = await greyMaster(copy, MAX_PIXELS, DETECT_LONG_SIDE);
      const cell = cells.get(t.id)!;
      // As detectWatermark does: attempts decoded until one checks.
      let best: { z: number; ber: number } | undefined;
      let found: WatermarkPayload | undefined;
      for (const a of attempts(g, on.watermarkKey!)) {
        found = unpackPayload(viterbi(a.soft, 64));
        // The bit errors where it decoded, else at the strongest sync of all attempts.
        if (found) {
          best = { z: a.syncZ, ber: bitErrors(a.soft, coded) };
          break;
        }
        if (!best || a.syncZ > best.z) best = { z: a.syncZ, ber: bitErrors(a.soft, coded) };
      }
      if (found?.markId === mark.markId) cell.ok++;
      cell.ber.push(best?.ber ?? 0.5);
    }
    if (i % 5 === 4) {
      console.error(`robustness: ${i + 1 - FROM}/${PICTURES} pictures, ${seconds(t0).toFixed(0)} s`);
      fs.writeFileSync(path.join(OUT, `watermark-robustness-${FROM}.json`), JSON.stringify({ pictures: i + 1 - FROM, cells: Object.fromEntries(cells) }));
    }
  }
  const dbs = quality.map((q) => q.db);
  const ss = quality.map((q) => q.s);
  return [
    `${PICTURES} pictures (1200 × 800 and 800 × 1200: photo-like scenes, shapes with text upscaled 2×, flat sky gradients, in turn), labelled through the real pipeline (JPEG 92):`,
    '',
    table(head, all.filter((t) => !BREAKERS.includes(t)).map(row)),
    '',
    `Beyond what it is built for (the first ${Math.min(PICTURES, BREAKER_PICTURES)} pictures):`,
    '',
    table(head, BREAKERS.map(row)),
    '',
    `Invisibility, first ${quality.length} pictures against the same labelling with WATERMARK_KEY=off: PSNR min ${Math.min(...dbs).toFixed(1)} dB, median ${median(dbs).toFixed(1)} dB; SSIM min ${Math.min(...ss).toFixed(4)}, median ${median(ss).toFixed(4)}.`,
  ].join('\n');
}

async function falsePositives(on: CoreContext): Promise<string> {
  const fixtures = fs
    .readdirSync(path.join(ROOT, 'fixtures/images'))
    .filter((f) => /\.(jpe?g|png|webp|tiff|avif)$/.test(f))
    .map((f) => fs.readFileSync(path.join(ROOT, 'fixtures/images', f)));
  let found = 0;
  let n = 0;
  let maxZ = 0;
  const t0 = performance.now();
  for (let i = 0; i < UNMARKED; i++) {
    const bytes =
      i < fixtures.length
        ? fixtures[i]
        : i % 10 === 0
          ? await photoLike(1024, 683, 5000 + i)
          : i % 10 === 5
            ? await sky(900, 600, 5000 + i)
            : await unrelatedPicture(5000 + i, 640, 480);
    let g: Awaited<ReturnType<typeof greyMaster>>;
    try {
      g = await greyMaster(bytes, MAX_PIXELS, DETECT_LONG_SIDE);
    } catch {
      continue;
    }
    if (Math.min(g.width, g.height) < 64) continue;
    n++;
    let hit = false;
    for (const a of attempts(g, on.watermarkKey!)) {
      maxZ = Math.max(maxZ, a.syncZ);
      hit ||= unpackPayload(viterbi(a.soft, 64)) !== undefined;
    }
    if (hit) found++;
    if (i % 100 === 99) {
      console.error(`unmarked: ${i + 1}/${UNMARKED}, ${seconds(t0).toFixed(0)} s`);
      fs.writeFileSync(path.join(OUT, 'watermark-fp.md'), `${n} unmarked pictures so far: ${found} false positives, strongest sync z = ${maxZ.toFixed(1)}\n`);
    }
  }
  return `${n} unmarked pictures (the fixtures, then varied synthetic ones: shapes, gradients, noise, text, photo-like scenes, skies), read with the key, up to ${MAX_DECODES} decodes each: **${found} false positives**; the strongest sync peak among all their attempts z = ${maxZ.toFixed(1)}.`;
}

/** A 256 × 256 crop at 100 % of a flat sky: without the watermark, with it, and the difference × 16 around mid-grey. */
async function skyCrop(on: CoreContext, off: CoreContext): Promise<string> {
  const input = await sharp(await sky(2400, 1600, 7))
    .png()
    .toBuffer();
  const [a, b] = await Promise.all([label(input, {}, off), label(input, {}, on)]);
  const region = { left: 1000, top: 300, width: 256, height: 256 };
  const [x, y] = await Promise.all([a, b].map((r) => sharp(r.bytes).extract(region).removeAlpha().raw().toBuffer()));
  const diff = Buffer.alloc(x.length);
  for (let i = 0; i < x.length; i++) diff[i] = Math.max(0, Math.min(255, 128 + (y[i] - x[i]) * 16));
  const raw = { raw: { width: 256, height: 256, channels: 3 as const } };
  const gap = 8;
  const file = path.join(ROOT, 'docs/watermark-sky-crop.png');
  await sharp({ create: { width: 256 * 3 + gap * 2, height: 256, channels: 3, background: '#ffffff' } })
    .composite([
      { input: x, ...raw, left: 0, top: 0 },
      { input: y, ...raw, left: 256 + gap, top: 0 },
      { input: diff, ...raw, left: 512 + gap * 2, top: 0 },
    ])
    .png()
    .toFile(file);
  return `Flat sky, 100 % crop (left: labelled without the watermark; middle: with it; right: the difference × 16 around grey): ${path.relative(ROOT, file)}; whole picture PSNR ${(await psnr(a.bytes, b.bytes)).toFixed(1)} dB.`;
}

const on = await context();
const off = await context('off');
fs.mkdirSync(OUT, { recursive: true });
const parts = [
  `# Invisible watermark bench (${new Date().toISOString().slice(0, 16)}, load ${(await import('node:os')).loadavg()[0].toFixed(1)})`,
  '',
  ...(ROUNDS ? [await speed(on, off), '', await skyCrop(on, off)] : []),
  ...(PICTURES ? ['', await robustness(on, off)] : []),
  ...(UNMARKED ? ['', await falsePositives(on)] : []),
];
const text = parts.join('\n');
fs.writeFileSync(path.join(OUT, `watermark-${PICTURES}-${UNMARKED}-${ROUNDS}.md`), `${text}\n`);
console.log(text);
process.exit(0);
