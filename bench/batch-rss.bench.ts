/**
 * Memory of a long CLI batch: `labeller label` on N 12 MP JPEGs (the bench images under N
 * names), peak resident set (VmHWM, sampled from /proc) of the whole process. Goal (issue 13):
 * ≤ 1.2 GB for 100 × 12 MP. Also prints the peak after the first tenth of the files, to show
 * whether memory grows with the batch or stays at its early level.
 *   npx tsx bench/batch-rss.bench.ts [files=100] [concurrency=cores]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { twelveMegapixelJpegs } from './common.js';

const n = Number(process.argv[2] ?? 100);
const concurrency = process.argv[3] ?? String(os.availableParallelism());
const ROOT = path.resolve(import.meta.dirname, '..');
const images = await twelveMegapixelJpegs(6);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'labeller-rss-'));
const inputs = Array.from({ length: n }, (_, i) => {
  const file = path.join(work, `in-${String(i).padStart(3, '0')}.jpg`);
  fs.symlinkSync(images[i % images.length], file);
  return file;
});

const started = performance.now();
const child = spawn(
  process.execPath,
  [path.join(ROOT, 'bin/labeller.js'), 'label', ...inputs, '-o', `${path.join(work, 'out')}/`, '--concurrency', concurrency],
  {
    env: { ...process.env, DATA_DIR: path.join(work, 'data') },
    stdio: ['ignore', 'ignore', 'pipe'],
  },
);
let stderr = '';
child.stderr.on('data', (d) => (stderr += d));
let peak = 0;
let earlyPeak = 0;
const outDir = path.join(work, 'out');
const sample = setInterval(() => {
  try {
    peak = Math.max(peak, Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
    const done = fs.existsSync(outDir) ? fs.readdirSync(outDir).filter((f) => f.endsWith('.jpg')).length : 0;
    if (done <= n / 10) earlyPeak = peak;
  } catch {
    /* exited */
  }
}, 50);
const code = await new Promise<number | null>((r) => child.once('exit', r));
clearInterval(sample);
const seconds = (performance.now() - started) / 1000;
if (code !== 0) throw new Error(`the CLI failed (${code}): ${stderr.slice(-500)}`);
console.log(
  `${n} × 12 MP JPEG, --concurrency ${concurrency}, ${os.availableParallelism()} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`,
);
console.log(
  `wall ${seconds.toFixed(1)} s (${(n / seconds).toFixed(2)} files/s); peak RSS ${peak.toFixed(0)} MB (after the first tenth: ${earlyPeak.toFixed(0)} MB); goal ≤ 1200 MB`,
);
fs.rmSync(work, { recursive: true, force: true });
