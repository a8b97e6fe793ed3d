/**
 * Where a labelled 12 MP JPEG's CPU goes, step by step, in one process, next to the bare
 * sharp pipeline on the same images (alternating): CPU time (user + system, all threads), so
 * that other work on the machine does not blur it.
 *   npx tsx bench/label-steps.bench.ts [rounds=2]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { loadConfig } from '../src/config.js';
import { label } from '../src/core/label.js';
import { sha256 } from '../src/domain/hash.js';
import { planMark } from '../src/label/image-mark.js';
import { labelPixels } from '../src/label/image.js';
import { probeImage } from '../src/media/probe.js';
import { mayCarryManifest, signAsset } from '../src/provenance/c2pa.js';
import { buildManifest } from '../src/provenance/manifest.js';
import { fingerprintsOfGrey } from '../src/registry/fingerprint.js';
import { createContext } from '../src/startup.js';
import { table, twelveMegapixelJpegs } from './common.js';

const rounds = Number(process.argv[2] ?? 2);
const files = (await twelveMegapixelJpegs(6)).map((f) => fs.readFileSync(f));
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'label-steps-'));
const ctx = await createContext({ config: loadConfig({ DATA_DIR: dataDir } as NodeJS.ProcessEnv) });
// The same labelling with a feature left out, to see what each costs (the watermark; the record
// with its fingerprints, ISCC codes and hash chain).
const without = async (env: Record<string, string>, records?: false) =>
  createContext({ config: loadConfig({ DATA_DIR: fs.mkdtempSync(path.join(dataDir, 'v-')), ...env } as NodeJS.ProcessEnv), records });
const variants = {
  '  without the record': await without({}, false),
  '  without the watermark': await without({ WATERMARK_KEY: 'off' }),
  '  without either (signed, XMP, thumbnail)': await without({ WATERMARK_KEY: 'off' }, false),
};
const svg = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="1500" height="360"><rect width="100%" height="100%" fill="black" fill-opacity="0.85"/>' +
    '<text x="40" y="150" font-family="DejaVu Sans" font-weight="bold" font-size="120" fill="white">ЖИ көмегімен жасалған</text>' +
    '<text x="40" y="300" font-family="DejaVu Sans" font-weight="bold" font-size="120" fill="white">Создано с помощью ИИ</text></svg>',
);
const xmp = '<x:xmpmeta xmlns:x="adobe:ns:meta/"></x:xmpmeta>';
const plan = await planMark(4000, 3000, ['ЖИ көмегімен жасалған', 'Создано с помощью ИИ'], 'ЖИ · ИИ', 'corner');

const cpu: Record<string, number> = {};
async function step<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
  const c0 = process.cpuUsage();
  const r = await fn();
  const c = process.cpuUsage(c0);
  cpu[name] = (cpu[name] ?? 0) + (c.user + c.system) / 1000;
  return r;
}

await label(files[0], {}, ctx); // warm
for (const v of Object.values(variants)) await label(files[0], {}, v);
for (let r = 0; r < rounds; r++) {
  for (const b of files) {
    await step('bare sharp: decode + mark + JPEG encode (the floor)', () =>
      sharp(b)
        .rotate()
        .composite([{ input: svg, gravity: 'southwest' }])
        .jpeg({ quality: 92 })
        .toBuffer(),
    );
    await step('labeller: label() + record, all steps', () => label(b, {}, ctx));
    for (const [name, v] of Object.entries(variants)) await step(name, () => label(b, {}, v));
    const probe = await step('  header read', () => probeImage(b, 'jpeg', 2e8));
    const px = await step('  labelled pixels: one decode, mark, encode, thumbnail + fingerprint pixels', () =>
      labelPixels(b, plan, probe, { xmp, quality: 92, maxPixels: 2e8 }),
    );
    await step('  byte scan for an upstream manifest', () => mayCarryManifest(b));
    const manifest = buildManifest({
      title: 'x.jpg',
      format: 'image/jpeg',
      instanceId: 'xmp:iid:1',
      sourceType: 'trainedAlgorithmicMedia',
      hasParent: false,
      organisation: 'Bench',
      mark: { wording: {}, languages: ['kk', 'ru'], placement: 'corner', region: plan.region, mode: plan.mode, fontPx: plan.fontPx, canvas: plan.canvas },
    } as never);
    const signed = await step('  C2PA signature (c2pa-node Builder.sign, 5 MB asset)', () =>
      signAsset({
        bytes: px.bytes,
        mimeType: 'image/jpeg',
        signer: ctx.identity.signer,
        manifest,
        thumbnail: { bytes: px.preview.jpeg, mimeType: 'image/jpeg' },
      }),
    );
    await step('  SHA-256 of input and output', () => [sha256(b), sha256(signed.bytes)]);
    await step('  record fingerprints from the thumbnail pixels', () => fingerprintsOfGrey(px.preview.grey));
  }
}
const n = rounds * files.length;
const floor = cpu['bare sharp: decode + mark + JPEG encode (the floor)'] / n;
console.log(`CPU per 12 MP JPEG, ${n} images, ${os.availableParallelism()} cores, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n`);
console.log(
  table(
    ['step', 'CPU ms / image', 'share of the floor'],
    Object.entries(cpu).map(([name, ms]) => [name, (ms / n).toFixed(0), `${((ms / n / floor) * 100).toFixed(0)} %`]),
  ),
);
await ctx.records?.close();
for (const v of Object.values(variants)) await v.records?.close();
fs.rmSync(dataDir, { recursive: true, force: true });
