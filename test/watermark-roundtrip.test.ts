/**
 * The invisible watermark end to end (issue 17): labelled in every output format, it is found by
 * verify with the record it names, the output still verifies Valid with the visible warning and
 * the metadata, the manifest says a watermark is there, and the picture is unchanged to the eye
 * (PSNR ≥ 42 dB, SSIM ≥ 0.98 against the same labelling without the watermark). Without the key
 * nothing is written or found; a test here fails if the embedding is skipped.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { label } from '../src/core/label.js';
import { survive } from '../src/core/survive.js';
import type { CoreContext } from '../src/core/types.js';
import { verify } from '../src/core/verify.js';
import { issuerHex, issuerOf, WATERMARK_ALG } from '../src/domain/watermark.js';
import { KEY_FILE } from '../src/label/watermark/key.js';
import { readManifest } from '../src/provenance/c2pa.js';
import { testContext } from './helpers/context.js';
import { psnr, ssim } from './helpers/quality.js';
import { photoLike, skyJpeg } from './helpers/synthetic.js';

let ctx: CoreContext & { dataDir: string };
let off: CoreContext & { dataDir: string };
let photo: Buffer;

beforeAll(async () => {
  ctx = await testContext();
  off = await testContext({ WATERMARK_KEY: 'off' });
  photo = await photoLike(1600, 1067, 17);
}, 120_000);

afterAll(async () => {
  await ctx.records?.close();
  await off.records?.close();
});

const FORMATS = ['jpeg', 'png', 'webp', 'avif', 'tiff'] as const;

async function inFormat(fmt: (typeof FORMATS)[number]): Promise<Buffer> {
  if (fmt === 'jpeg') return photo;
  // AVIF encodes slowly: a smaller picture, still far above the watermark's minimum.
  const img = fmt === 'avif' ? sharp(photo).resize(900) : sharp(photo);
  return fmt === 'tiff' ? img.tiff({ compression: 'lzw' }).toBuffer() : img[fmt]().toBuffer();
}

function watermarkSignal(signals: { source: string }[]): Record<string, unknown> | undefined {
  return signals.find((s) => s.source === 'watermark') as Record<string, unknown> | undefined;
}

describe('round trip in every output format', () => {
  for (const fmt of FORMATS) {
    it(`${fmt}: embedded, found by verify with its record, and the output still verifies Valid and compliant`, async () => {
      const r = await label(await inFormat(fmt), {}, ctx);
      expect(r.record.watermark).toMatchObject({ alg: WATERMARK_ALG, issuer: issuerOf(ctx.identity.organisation) });
      const v = await verify(r.bytes, { ocr: false }, ctx);
      expect(v.c2pa.state).toBe('valid');
      expect(v.tampered).toBe(false);
      expect(v.aiGenerated).toBe(true);
      expect(v.compliance).toEqual({ machineReadable: true, visibleWarning: true, compliant: true });
      expect(v.c2pa.actions?.map((a) => a.action)).toContain('c2pa.watermarked');
      expect(watermarkSignal(v.signals)).toMatchObject({
        ai: true,
        issuer: issuerHex(issuerOf(ctx.identity.organisation)),
        markId: r.record.watermark!.markId,
        recordId: r.record.id,
      });
    }, 120_000);
  }

  it('the manifest carries a second c2pa.soft-binding with our algorithm and the mark', async () => {
    const r = await label(photo, {}, ctx);
    const read = await readManifest(r.bytes, r.mimeType);
    if (read.kind !== 'manifest') throw new Error(read.kind);
    const active = read.reader.getActive() as unknown as { assertions: { label: string; data: { alg?: string; blocks?: { value: string }[] } }[] };
    const bindings = active.assertions.filter((a) => a.label.startsWith('c2pa.soft-binding')).map((a) => a.data);
    expect(bindings.map((b) => b.alg).sort()).toEqual(['io.iscc.v0', WATERMARK_ALG].sort());
    const mark = bindings.find((b) => b.alg === WATERMARK_ALG)!;
    expect(mark.blocks![0].value).toBe(`1.${issuerHex(r.record.watermark!.issuer)}.${r.record.watermark!.markId.toString(16).padStart(6, '0')}`);
  }, 120_000);

  it('a stripped copy read by OCR: the visible warning and the watermark both still say AI, and name the record', async () => {
    const r = await label(photo, {}, ctx);
    const stripped = await sharp(r.bytes).resize(1280, 1280, { fit: 'inside' }).jpeg({ quality: 80 }).toBuffer();
    const v = await verify(stripped, {}, ctx);
    expect(v.c2pa.state).toBe('absent');
    expect(v.aiGenerated).toBe(true);
    expect(watermarkSignal(v.signals)?.recordId).toBe(r.record.id);
    if (v.ocr?.read) expect(v.compliance.visibleWarning).toBe(true);
  }, 180_000);
});

describe('invisible', () => {
  it('PSNR ≥ 42 dB and SSIM ≥ 0.98 against the same labelling without the watermark', async () => {
    const input = await sharp(photo).png().toBuffer();
    const [marked, plain] = await Promise.all([label(input, {}, ctx), label(input, {}, off)]);
    expect(plain.record.watermark).toBeUndefined();
    const db = await psnr(marked.bytes, plain.bytes);
    const s = await ssim(marked.bytes, plain.bytes);
    console.log(`watermark: PSNR ${db.toFixed(1)} dB, SSIM ${s.toFixed(4)}`);
    // Not equal: the embedding ran (a skipped embedding gives Infinity).
    expect(db).toBeLessThan(70);
    expect(db).toBeGreaterThanOrEqual(42);
    expect(s).toBeGreaterThanOrEqual(0.98);
  }, 120_000);
});

describe('luminance only', () => {
  it('moves R, G and B of a pixel by the same amount, and an opaque PNG stays without alpha', async () => {
    const input = await sharp(photo).png().toBuffer();
    const [marked, plain] = await Promise.all([label(input, {}, ctx), label(input, {}, off)]);
    const [a, b] = await Promise.all([marked.bytes, plain.bytes].map((x) => sharp(x).raw().toBuffer({ resolveWithObject: true })));
    expect(a.info.channels).toBe(3);
    expect(b.info.channels).toBe(3);
    let moved = 0;
    let unequal = 0;
    for (let i = 0; i < a.data.length; i += 3) {
      const d = a.data[i] - b.data[i];
      if (d || a.data[i + 1] !== b.data[i + 1] || a.data[i + 2] !== b.data[i + 2]) moved++;
      // Near black or white one channel may be clipped (libvips' "difference" blend, which takes
      // the lowering off, gives |v − l| there); elsewhere the three move together.
      const clipped = [0, 1, 2].some((c) => b.data[i + c] < 8 || b.data[i + c] > 247);
      if (!clipped && (a.data[i + 1] - b.data[i + 1] !== d || a.data[i + 2] - b.data[i + 2] !== d)) unequal++;
    }
    expect(moved).toBeGreaterThan(a.data.length / 3 / 4);
    expect(unequal).toBe(0);
  }, 120_000);

  it('a flat sky (the hardest case for the eye): SSIM ≥ 0.98 and still found', async () => {
    const sky = await skyJpeg(1200, 800, (y) => [70 + (120 * y) / 800, 140 + (80 * y) / 800, 230 + (20 * y) / 800]);
    const [marked, plain] = await Promise.all([label(sky, {}, ctx), label(sky, {}, off)]);
    const s = await ssim(marked.bytes, plain.bytes);
    console.log(`watermark on a flat sky: SSIM ${s.toFixed(4)}`);
    expect(s).toBeGreaterThanOrEqual(0.98);
    const v = await verify(marked.bytes, { ocr: false }, ctx);
    expect(watermarkSignal(v.signals)?.recordId).toBe(marked.record.id);
  }, 120_000);
});

describe('the key', () => {
  it('is generated into DATA_DIR with mode 0600, never into the record or the report', async () => {
    const file = path.join(ctx.dataDir, KEY_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const hex = fs.readFileSync(file, 'utf8').trim();
    expect(hex).toMatch(/^[0-9a-f]{64}$/);
    const r = await label(photo, {}, ctx);
    const v = await verify(r.bytes, { ocr: false }, ctx);
    const stored = await ctx.records!.get(r.record.id!);
    for (const text of [JSON.stringify(r.record), JSON.stringify(v), JSON.stringify(stored)]) expect(text).not.toContain(hex);
  }, 120_000);

  it('WATERMARK_KEY=off: nothing is embedded, nothing is found, the manifest says nothing of a watermark', async () => {
    const r = await label(photo, {}, off);
    expect(r.record.watermark).toBeUndefined();
    const v = await verify(r.bytes, { ocr: false }, ctx);
    expect(watermarkSignal(v.signals)).toBeUndefined();
    expect(v.c2pa.actions?.map((a) => a.action)).not.toContain('c2pa.watermarked');
  }, 120_000);

  it('a keyless detector finds nothing in a marked picture: the survival report says "no watermark found"', async () => {
    const r = await label(photo, {}, ctx);
    const keyless = { ...ctx, watermarkKey: undefined };
    const v = await verify(r.bytes, { ocr: false }, keyless);
    expect(watermarkSignal(v.signals)).toBeUndefined();
    const report = await survive(r.bytes, { ocr: false }, keyless);
    expect(report.original.layers.watermark.survives).toBeNull();
    expect(report.original.layers.watermark.detail).toMatch(/no watermark found/);
  }, 300_000);
});

describe('the survival report', () => {
  it('has a watermark column: the mark and its record in the labelled file and in the platform-like copies', async () => {
    const r = await label(photo, {}, ctx);
    const report = await survive(r.bytes, { ocr: false }, ctx);
    expect(report.original.layers.watermark).toMatchObject({ survives: true, recordId: r.record.id });
    for (const id of ['telegram', 'whatsapp', 'facebook', 'screenshot', 'resize-50', 'greyscale', 'webp', 'crop-10']) {
      const copy = report.copies.find((c) => c.id === id)!;
      expect(copy.layers.watermark, id).toMatchObject({ survives: true, markId: r.record.watermark!.markId, recordId: r.record.id });
    }
  }, 300_000);
});
