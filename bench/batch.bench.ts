/**
 * A batch from the command line, whole processes (start-up included), three ways on the same
 * six 12 MP JPEGs, alternating runs so the machine's drift hits all three alike:
 *   1. `labeller label in/*.jpg -o out/` (visible mark, XMP, thumbnail, signed C2PA, record);
 *   2. a bare sharp script that burns the same mark and re-encodes (the floor: what any label costs);
 *   3. ImageMagick `convert` + `exiftool` writing the mark and the IPTC DigitalSourceType (signs nothing).
 * The third column is skipped with a message when ImageMagick or ExifTool (Debian
 * `imagemagick`, `libimage-exiftool-perl`) is not installed.
 *   npx tsx bench/batch.bench.ts [rounds=3] [files=6]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median, table, twelveMegapixelJpegs } from './common.js';

const loadAtStart = os.loadavg()[0].toFixed(1);
const rounds = Number(process.argv[2] ?? 3);
const n = Number(process.argv[3] ?? 6);
const ROOT = path.resolve(import.meta.dirname, '..');
const files = await twelveMegapixelJpegs(n);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'labeller-batch-'));
const env = { ...process.env, DATA_DIR: path.join(work, 'data') };

/** The floor, as a newsroom would write it: sharp, the same two lines of text, the same quality, both cores. */
const BARE = `
import sharp from 'sharp';
import path from 'node:path';
const [out, ...inputs] = process.argv.slice(2);
const svg = (w) => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="' + w + '" height="360"><rect width="100%" height="100%" fill="black" fill-opacity="0.85"/>' +
  '<text x="40" y="150" font-family="DejaVu Sans" font-weight="bold" font-size="120" fill="white">ЖИ көмегімен жасалған</text>' +
  '<text x="40" y="300" font-family="DejaVu Sans" font-weight="bold" font-size="120" fill="white">Создано с помощью ИИ</text></svg>');
const one = async (f) => { await sharp(f).rotate().composite([{ input: svg(1500), gravity: 'southwest' }]).jpeg({ quality: 92 }).toFile(path.join(out, path.basename(f))); };
const queue = [...inputs];
await Promise.all([0, 1].map(async () => { while (queue.length) await one(queue.shift()); }));
`;
fs.writeFileSync(path.join(work, 'bare.mjs'), BARE);
fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(work, 'node_modules'));

// The real ImageMagick, not a stand-in that some images put first on PATH.
const CONVERT = fs.existsSync('/usr/bin/convert') ? '/usr/bin/convert' : 'convert';
const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' }).status === 0;
const magick = has(CONVERT, ['-version']) && /ImageMagick/.test(spawnSync(CONVERT, ['-version'], { encoding: 'utf8' }).stdout) && has('exiftool', ['-ver']);

/** CPU seconds (user + system) of the last run's processes, from bash's `times`: what a busy machine cannot steal. */
let lastCpu = 0;

function run(cmd: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', '"$@"; s=$?; times >&2; exit $s', 'bash', cmd, ...args], { env, encoding: 'utf8', cwd: work, maxBuffer: 1 << 26 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 3).join(' ')} failed (${r.status}): ${r.stderr.slice(0, 500)}`);
  const children = r.stderr.trim().split('\n').at(-1) ?? '';
  const secs = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((sum, m) => sum + Number(m[1]) * 60 + Number(m[2]), 0);
  lastCpu = secs;
  return ms;
}

function fresh(name: string): string {
  const dir = path.join(work, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir);
  return dir;
}

const pipelines: [string, () => number][] = [
  [
    'labeller label (CLI, whole process)',
    () => run(process.execPath, [path.join(ROOT, 'bin/labeller.js'), 'label', ...files, '-o', `${fresh('out-labeller')}/`]),
  ],
  ['bare sharp script (mark + re-encode, 2 at a time)', () => run(process.execPath, [path.join(work, 'bare.mjs'), fresh('out-bare'), ...files])],
];
if (magick) {
  // One file after another, as a shell script would: convert burns the text, exiftool writes the IPTC field.
  const script = `
    out="$1"; shift
    for f in "$@"; do
      o="$out/$(basename "$f")"
      ${CONVERT} "$f" -auto-orient -gravity SouthWest -font DejaVu-Sans-Bold -pointsize 120 -fill white -undercolor '#000000D9' \\
        -annotate +40+40 'ЖИ көмегімен жасалған\nСоздано с помощью ИИ' -quality 92 "$o"
      exiftool -q -overwrite_original '-XMP-iptcExt:DigitalSourceType=http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia' "$o"
    done`;
  fs.writeFileSync(path.join(work, 'magick.sh'), script);
  pipelines.push(['ImageMagick convert + exiftool (signs nothing)', () => run('bash', [path.join(work, 'magick.sh'), fresh('out-magick'), ...files])]);
} else {
  console.log('ImageMagick or exiftool is not installed (Debian: imagemagick, libimage-exiftool-perl): that column is skipped.');
}

for (const [, fn] of pipelines) fn(); // warm the page cache, the fonts and the development identity
const times = pipelines.map(() => [] as number[]);
const cpus = pipelines.map(() => [] as number[]);
for (let r = 0; r < rounds; r++) {
  pipelines.forEach(([, fn], i) => {
    times[i].push(fn());
    cpus[i].push(lastCpu);
  });
}

const med = times.map(median);
const medCpu = cpus.map(median);
console.log(`\nload average at start: ${loadAtStart}, at end: ${os.loadavg()[0].toFixed(1)} (other work on the machine stretches wall times, not CPU times)`);
console.log(
  `\nCLI batch: ${n} × 12 MP JPEG, whole processes, ${rounds} alternating rounds, ${os.availableParallelism()} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n`,
);
console.log(
  table(
    ['pipeline', 'median wall s', 'ratio to bare sharp', 'median CPU s (user+sys)', 'CPU ratio'],
    pipelines.map(([name], i) => [
      name,
      (med[i] / 1000).toFixed(2),
      `${(med[i] / med[1]).toFixed(2)}×`,
      medCpu[i].toFixed(2),
      `${(medCpu[i] / medCpu[1]).toFixed(2)}×`,
    ]),
  ),
);
console.log(`\nlabeller ÷ bare sharp: ${(med[0] / med[1]).toFixed(2)}× (goal ≤ 1.25×)`);
if (magick) console.log(`ImageMagick + exiftool ÷ labeller: ${(med[2] / med[0]).toFixed(2)}× (goal ≥ 1.5×: the labeller that much faster)`);
fs.rmSync(work, { recursive: true, force: true });
