/**
 * The watch folder vs the CLI batch on the same files, in the same run (issue 6 goal: watch
 * throughput ≥ 0.9× the CLI batch). Both run the compiled program as a child process, from
 * start to exit, so each pays its own start-up; the watch run also pays its stability window.
 *   npx tsx bench/watch.bench.ts                     (1000 small + 100 12 MP images)
 *   npx tsx bench/watch.bench.ts --small 40 --large 4
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { OUT, table, twelveMegapixelJpegs } from './common.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const BIN = path.join(ROOT, 'bin/labeller.js');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : Number(process.env[`BENCH_${name.toUpperCase()}`] ?? fallback);
};
const SMALL = arg('small', 1000);
const LARGE = arg('large', 100);

async function smallImages(n: number): Promise<string[]> {
  fs.mkdirSync(OUT, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const file = path.join(OUT, `small-${i}.jpg`);
    if (!fs.existsSync(file))
      await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: i % 256, g: 90, b: 160 } } })
        .jpeg()
        .toFile(file);
    files.push(file);
  }
  return files;
}

function run(args: string[], env: NodeJS.ProcessEnv): number {
  const t0 = performance.now();
  execFileSync(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  return (performance.now() - t0) / 1000;
}

async function main(): Promise<void> {
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'ignore' });
  } catch {
    console.warn('tsc reported type errors (files mid-edit elsewhere?); dist/ was still emitted');
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-watch-data-'));
  const env = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  run(['--version'], env);
  const sets: [string, string[]][] = [];
  if (SMALL > 0) sets.push([`${SMALL} small (640×480 JPEG)`, await smallImages(SMALL)]);
  if (LARGE > 0) sets.push([`${LARGE} × 12 MP JPEG`, await twelveMegapixelJpegs(LARGE)]);
  const rows: (string | number)[][] = [];
  for (const [label, files] of sets) {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-watch-'));
    // CLI batch: one process, the files in sequence (xargs-style chunks keep argv short).
    const cliOut = path.join(work, 'cli-out') + '/';
    let cliS = 0;
    for (let i = 0; i < files.length; i += 200) cliS += run(['label', ...files.slice(i, i + 200), '-o', cliOut], env);
    // Watch folder: files dropped (copied) into the inbox, then one --once run to the end.
    const root = path.join(work, 'watch');
    fs.mkdirSync(path.join(root, 'inbox'), { recursive: true });
    for (const f of files) fs.copyFileSync(f, path.join(root, 'inbox', path.basename(f)));
    const watchS = run(['watch', root, '--once'], env);
    const outputs = fs.readdirSync(path.join(root, 'outbox')).filter((f) => !f.endsWith('.json')).length;
    if (outputs !== files.length) throw new Error(`watch produced ${outputs} outputs for ${files.length} files`);
    const cliRate = files.length / cliS;
    const watchRate = files.length / watchS;
    rows.push([
      label,
      cliS.toFixed(1),
      cliRate.toFixed(2),
      watchS.toFixed(1),
      watchRate.toFixed(2),
      (watchRate / cliRate).toFixed(2),
      watchRate / cliRate >= 0.9 ? 'yes' : 'NO',
    ]);
    fs.rmSync(work, { recursive: true, force: true });
  }
  console.log(`\nWatch folder vs CLI batch (${os.availableParallelism()} cores, watch concurrency = cores, stability window 1 s)\n`);
  console.log(table(['files', 'CLI s', 'CLI files/s', 'watch s', 'watch files/s', 'watch / CLI', '≥ 0.9×'], rows));
}

await main();
