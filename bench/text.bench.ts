/**
 * Label + sign and verify a 1 MB UTF-8 text (goal: ≤ 50 ms each), against a floor in the
 * same run: hashing and NFC-normalising the same megabyte, which any text label must do.
 * Run: npx tsx bench/text.bench.ts
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/startup.js';
import { labelText } from '../src/core/label-text.js';
import { verify } from '../src/core/verify.js';

const RUNS = 15;
const GOAL_MS = 50;

const paragraph =
  'Қазақстанда жасанды интеллект туралы заң күшіне енді; редакциялар әр материалды белгілейді. ' +
  'Сегодня в Алматы прошёл форум по искусственному интеллекту, участники обсудили маркировку. ❤️\n';
const text = paragraph.repeat(Math.ceil((1024 * 1024) / Buffer.byteLength(paragraph))).slice(0, 600_000);
const input = Buffer.from(text, 'utf8').subarray(0, 1024 * 1024);
const oneMb = Buffer.from(input.toString('utf8').replace(/\uFFFD$/, ''), 'utf8');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'labeller-bench-text-'));
const ctx = await createContext({ config: loadConfig({ DATA_DIR: tmp } as NodeJS.ProcessEnv), records: false });

async function time(fn: () => Promise<unknown> | unknown): Promise<number[]> {
  await fn(); // warm-up: first signature, JIT
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
}

const labelled = (await labelText(oneMb, {}, ctx)).bytes;
const rows: [string, number[], boolean][] = [
  ['floor: sha256 + NFC of 1 MB', await time(() => createHash('sha256').update(oneMb.toString('utf8').normalize('NFC')).digest()), false],
  ['label + sign (A.8 wrapper)', await time(() => labelText(oneMb, {}, ctx)), true],
  ['verify (signature + binding + notice)', await time(() => verify(labelled, {}, ctx)), true],
];
const v = await verify(labelled, {}, ctx);
fs.rmSync(tmp, { recursive: true, force: true });

const fmt = (n: number) => n.toFixed(1);
console.log(
  `\nText benchmark: ${(oneMb.length / 1048576).toFixed(2)} MB UTF-8 in, ${(labelled.length / 1048576).toFixed(2)} MB out; ${RUNS} runs after warm-up; ${os.cpus().length} CPUs; Node ${process.version}`,
);
// The machine is shared: the load says how far the medians are from an idle run.
console.log(
  `load average (1/5/15 min): ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ')}`,
);
console.log(`verify result: state=${v.c2pa.state} compliant=${v.compliance.compliant}\n`);
console.log('| step | median ms | p95 ms | min ms | median ÷ floor | goal |');
console.log('| --- | ---: | ---: | ---: | ---: | --- |');
const floorMedian = rows[0][1][Math.floor(rows[0][1].length / 2)];
for (const [name, t, goal] of rows) {
  const median = t[Math.floor(t.length / 2)];
  const p95 = t[Math.min(t.length - 1, Math.ceil(t.length * 0.95) - 1)];
  console.log(
    `| ${name} | ${fmt(median)} | ${fmt(p95)} | ${fmt(t[0])} | ${(median / floorMedian).toFixed(2)} | ${goal ? (median <= GOAL_MS ? `≤ ${GOAL_MS} ✓` : `≤ ${GOAL_MS} ✗`) : 'baseline'} |`,
  );
}
