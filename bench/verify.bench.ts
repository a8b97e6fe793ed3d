/**
 * verify() against c2pa-node's Reader alone (fromAsset + json(), same settings) on the same
 * files in the same run. Goal: verify ≤ 1.3× the Reader. Run: npx tsx bench/verify.bench.ts
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

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-bench-'));
const ctx = await createContext({ config: loadConfig({ DATA_DIR: dataDir } as NodeJS.ProcessEnv), records: false });
const settings = c2paSettings() as never;

async function readerAlone(bytes: Buffer, mimeType: string): Promise<void> {
  const r = await Reader.fromAsset({ buffer: bytes, mimeType }, settings);
  r?.json();
}

/** Median of ROUNDS runs, alternating the two contenders so drift hits both alike. */
async function measure(bytes: Buffer, mimeType: string): Promise<{ reader: number; verify: number }> {
  const times = { reader: [] as number[], verify: [] as number[] };
  for (let i = 0; i < 3; i++) await Promise.all([readerAlone(bytes, mimeType), verify(bytes, {}, ctx)]); // warm up
  for (let i = 0; i < ROUNDS; i++) {
    let t = performance.now();
    await readerAlone(bytes, mimeType);
    times.reader.push(performance.now() - t);
    t = performance.now();
    await verify(bytes, {}, ctx);
    times.verify.push(performance.now() - t);
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { reader: median(times.reader), verify: median(times.verify) };
}

const rows: string[] = [];
let sumReader = 0;
let sumVerify = 0;
for (const [file, mime] of FILES) {
  const bytes = fs.readFileSync(path.join(DIR, file));
  const m = await measure(bytes, mime);
  sumReader += m.reader;
  sumVerify += m.verify;
  rows.push(`| ${file} | ${(bytes.length / 1024).toFixed(0)} KB | ${m.reader.toFixed(2)} | ${m.verify.toFixed(2)} | ${(m.verify / m.reader).toFixed(2)}× |`);
}
console.log(`verify vs c2pa-node Reader alone (median of ${ROUNDS} runs each, ms; Node ${process.version}, ${os.cpus().length} CPUs)\n`);
console.log('| file | size | Reader alone | verify() | ratio |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(r);
console.log(`| **all files** | | ${sumReader.toFixed(2)} | ${sumVerify.toFixed(2)} | **${(sumVerify / sumReader).toFixed(2)}×** (goal ≤ 1.30×) |`);
fs.rmSync(dataDir, { recursive: true, force: true });
