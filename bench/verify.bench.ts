/**
 * verify() against c2pa-node's Reader alone (fromAsset + json(), same settings) on the same
 * files in the same run. Goal (issue 13): reading the provenance ≤ 1.3× the Reader. Verify
 * also reads the pixels by default, the invisible watermark and the visible warning (OCR):
 * those columns are timed too, with fewer rounds, and have their own goals (README).
 *   npx tsx bench/verify.bench.ts        (ROUNDS=20 PIXEL_ROUNDS=3)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Reader } from '@contentauth/c2pa-node';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/startup.js';
import { verify } from '../src/core/verify.js';
import { c2paSettings } from '../src/provenance/c2pa.js';

const DIR = path.resolve(import.meta.dirname, '../fixtures/peer/c2pa-rs');
const FILES: [string, string][] = [
  ['C.jpg', 'image/jpeg'],
  ['CACA.jpg', 'image/jpeg'],
  ['adobe-20220124-E-clm-CAICAI.jpg', 'image/jpeg'],
  ['update_manifest.jpg', 'image/jpeg'],
  ['earth_apollo17.jpg', 'image/jpeg'],
  ['sample1.png', 'image/png'],
];
const ROUNDS = Number(process.env.ROUNDS ?? 20);
const PIXEL_ROUNDS = Number(process.env.PIXEL_ROUNDS ?? 3);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-bench-'));
const ctx = await createContext({ config: loadConfig({ DATA_DIR: dataDir } as NodeJS.ProcessEnv), records: false });
// The provenance alone: no watermark key (no detection), no OCR.
const plain = await createContext({ config: loadConfig({ DATA_DIR: dataDir, WATERMARK_KEY: 'off' } as NodeJS.ProcessEnv), records: false });
const settings = c2paSettings() as never;

async function readerAlone(bytes: Buffer, mimeType: string): Promise<void> {
  const r = await Reader.fromAsset({ buffer: bytes, mimeType }, settings);
  r?.json();
}

const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median of ROUNDS runs, alternating the two contenders so drift hits both alike; then the pixel readings. */
async function measure(bytes: Buffer, mimeType: string): Promise<{ reader: number; verify: number; watermark: number; full: number }> {
  const times = { reader: [] as number[], verify: [] as number[], watermark: [] as number[], full: [] as number[] };
  const timed = async (into: number[], fn: () => Promise<unknown>) => {
    const t = performance.now();
    await fn();
    into.push(performance.now() - t);
  };
  for (let i = 0; i < 3; i++) await Promise.all([readerAlone(bytes, mimeType), verify(bytes, { ocr: false }, plain)]); // warm up
  for (let i = 0; i < ROUNDS; i++) {
    await timed(times.reader, () => readerAlone(bytes, mimeType));
    await timed(times.verify, () => verify(bytes, { ocr: false }, plain));
  }
  await verify(bytes, {}, ctx);
  for (let i = 0; i < PIXEL_ROUNDS; i++) {
    await timed(times.watermark, () => verify(bytes, { ocr: false }, ctx));
    await timed(times.full, () => verify(bytes, {}, ctx));
  }
  return { reader: median(times.reader), verify: median(times.verify), watermark: median(times.watermark), full: median(times.full) };
}

const rows: string[] = [];
const sum = { reader: 0, verify: 0, watermark: 0, full: 0 };
for (const [file, mime] of FILES) {
  const bytes = fs.readFileSync(path.join(DIR, file));
  const m = await measure(bytes, mime);
  for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += m[k];
  rows.push(
    `| ${file} | ${(bytes.length / 1024).toFixed(0)} KB | ${m.reader.toFixed(2)} | ${m.verify.toFixed(2)} | ${(m.verify / m.reader).toFixed(2)}× | ${m.watermark.toFixed(0)} | ${m.full.toFixed(0)} |`,
  );
}
console.log(
  `verify vs c2pa-node Reader alone (median of ${ROUNDS} runs each, pixel readings ${PIXEL_ROUNDS}, ms; Node ${process.version}, ${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)})\n`,
);
console.log('| file | size | Reader alone | verify: provenance | ratio | + watermark detection | + OCR (the default) |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
console.log(
  `| **all files** | | ${sum.reader.toFixed(2)} | ${sum.verify.toFixed(2)} | **${(sum.verify / sum.reader).toFixed(2)}×** (goal ≤ 1.30×) | ${sum.watermark.toFixed(0)} | ${sum.full.toFixed(0)} |`,
);
fs.rmSync(dataDir, { recursive: true, force: true });
