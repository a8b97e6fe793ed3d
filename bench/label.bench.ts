/**
 * Image labelling end to end vs the floor: a bare sharp decode + composite of the same mark
 * + re-encode of the same 12 MP JPEGs, in the same run, alternating so load affects both.
 *   npx tsx bench/label.bench.ts [images=4] [rounds=3]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/startup.js';
import { label } from '../src/core/label.js';
import { planMark } from '../src/label/image-mark.js';
import { DEFAULT_WORDING, shortMarkFor } from '../src/domain/wording.js';
import { endExiftool } from '../src/provenance/exiftool.js';
import { median, table, twelveMegapixelJpegs } from './common.js';

const n = Number(process.argv[2] ?? 4);
const rounds = Number(process.argv[3] ?? 3);
const files = await twelveMegapixelJpegs(n);
const inputs = files.map((f) => fs.readFileSync(f));
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'labeller-bench-'));
const ctx = await createContext({ config: loadConfig({ DATA_DIR: dataDir } as NodeJS.ProcessEnv), records: false } as never);
const mark = await planMark(4000, 3000, [DEFAULT_WORDING.kk, DEFAULT_WORDING.ru], shortMarkFor(['kk', 'ru']), 'corner');

async function floor(input: Buffer): Promise<void> {
  await sharp(input)
    .rotate()
    .composite([{ input: mark.png, left: mark.region.x, top: mark.region.y }])
    .jpeg({ quality: ctx.config.jpegQuality })
    .toBuffer();
}
async function full(input: Buffer): Promise<void> {
  await label(input, {}, ctx);
}

await full(inputs[0]); // warm exiftool, fonts and the signer
await floor(inputs[0]);
const times = { floor: [] as number[], full: [] as number[] };
for (let r = 0; r < rounds; r++) {
  for (const input of inputs) {
    for (const [name, fn] of [
      ['floor', floor],
      ['full', full],
    ] as const) {
      const t0 = performance.now();
      await fn(input);
      times[name].push(performance.now() - t0);
    }
  }
}
const f = median(times.floor);
const l = median(times.full);
// Each full run follows its own floor run on the same image: the ratio of each pair is far
// less sensitive to the machine's load drifting over the run than the ratio of medians.
const paired = median(times.full.map((t, i) => t / times.floor[i]));
console.log(`\nImage labelling, ${n} × 12 MP JPEG × ${rounds} rounds, ${os.cpus().length} cores, Node ${process.version}\n`);
console.log(
  table(
    ['pipeline', 'median ms / image', 'ratio to floor'],
    [
      ['floor: sharp decode + composite + JPEG encode', f.toFixed(0), '1.00×'],
      ['labeller: mark + XMP + thumbnail + C2PA signature', l.toFixed(0), `${(l / f).toFixed(2)}×`],
    ],
  ),
);
console.log(`\nmedian of paired ratios (labeller ÷ floor on the same image, back to back): ${paired.toFixed(2)}×`);
await ctx.records?.close();
await endExiftool();
