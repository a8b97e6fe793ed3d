/**
 * The visible-warning OCR on 12 MP pictures: verify with OCR against verify without it
 * (`ocr: false`) on the same files, one at a time, alternating. Half the pictures carry a
 * warning burned in by ImageMagick (the run stops at the page that holds it), half carry none
 * (every page is read: the worst case).
 *
 *   npx tsx bench/ocr.bench.ts [rounds]
 */
import fs from 'node:fs';
import { verify } from '../src/core/verify.js';
import type { BurnCase } from '../test/helpers/burn-in.js';
import { burnIn } from '../test/helpers/burn-in.js';
import { tempContext } from '../test/helpers/verify-kit.js';
import { median, percentile, table } from './common.js';

const rounds = Number(process.argv[2] ?? 5);

/** CPU ms of this process (its libvips threads included) and of its finished children (Tesseract), from /proc. */
function cpuMs(): { main: number; ocr: number } {
  const u = process.cpuUsage();
  const f = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return { main: (u.user + u.system) / 1000, ocr: ((Number(f[13]) + Number(f[14])) * 1000) / 100 };
}
const CASES: BurnCase[] = [
  { kind: 'warning', lang: 'ru', text: 'Создано ИИ', width: 4000, height: 3000, background: 'bridge', place: 'bottom-right', style: 'light-box' },
  { kind: 'warning', lang: 'en', text: 'AI-generated', width: 4000, height: 3000, background: 'ribbons', place: 'top-left', style: 'dark-box' },
  { kind: 'none', width: 4000, height: 3000, background: 'bridge' },
  { kind: 'none', width: 4000, height: 3000, background: 'noise' },
];

const { ctx } = await tempContext();
const files = await Promise.all(CASES.map((c) => burnIn(c)));
const rows: (string | number)[][] = [];
const all: { without: number[]; withOcr: number[]; ocr: number[]; cpu: number[] } = { without: [], withOcr: [], ocr: [], cpu: [] };
for (const [i, c] of CASES.entries()) {
  const without: number[] = [];
  const withOcr: number[] = [];
  const ocr: number[] = [];
  const cpu: number[] = [];
  await verify(files[i], { ocr: false }, ctx); // warm-up
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    await verify(files[i], { ocr: false }, ctx);
    without.push(performance.now() - t);
    t = performance.now();
    const c0 = cpuMs();
    const report = await verify(files[i], {}, ctx);
    withOcr.push(performance.now() - t);
    const c1 = cpuMs();
    cpu.push(c1.main - c0.main + c1.ocr - c0.ocr);
    ocr.push(report.ocr?.ms ?? 0);
    if ((report.compliance.visibleWarning === true) !== (c.kind === 'warning'))
      console.error(`unexpected verdict for ${c.text ?? 'no words'}: ${report.compliance.visibleWarning}`);
  }
  all.without.push(...without);
  all.withOcr.push(...withOcr);
  all.ocr.push(...ocr);
  all.cpu.push(...cpu);
  rows.push([
    c.text ? `«${c.text}» (${c.place})` : `no words (${c.background})`,
    median(without).toFixed(0),
    median(withOcr).toFixed(0),
    median(ocr).toFixed(0),
    percentile(ocr, 95).toFixed(0),
    median(cpu).toFixed(0),
  ]);
}
rows.push([
  '**all**',
  median(all.without).toFixed(0),
  median(all.withOcr).toFixed(0),
  median(all.ocr).toFixed(0),
  percentile(all.ocr, 95).toFixed(0),
  median(all.cpu).toFixed(0),
]);
console.log(table(['12 MP picture', 'verify --no-ocr ms', 'verify ms', 'OCR ms (median)', 'OCR ms (p95)', 'CPU ms (all threads)'], rows));
console.log(`load average during the run: ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
process.exit(0);
