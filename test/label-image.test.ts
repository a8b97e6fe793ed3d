import { Reader } from '@contentauth/c2pa-node';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { label } from '../src/core/label.js';
import { MARK_ASSERTION } from '../src/provenance/manifest.js';
import type { CoreContext, LabelResult } from '../src/core/types.js';
import { sniff } from '../src/media/sniff.js';
import { endExiftool, readTags } from '../src/provenance/exiftool.js';
import { DST_BASE } from '../src/provenance/xmp.js';
import { fixture, PEER_FIXTURES, testContext } from './helpers/context.js';
import { firstLineHeight, ocr, textContrast } from './helpers/pixels.js';

// Tesseract's Kazakh model sometimes reads щ as ш; everything else must be exact.
// The case of the two-letter ИИ is what OCR gets wrong most (ии, Ии): the words are what count.
const RU_OCR = /Создано с помо[щш]ью ИИ/i;

let ctx: CoreContext & { dataDir: string };
let devRoot: string;

beforeAll(async () => {
  ctx = await testContext();
  devRoot = fs.readFileSync(path.join(ctx.dataDir, 'identity/dev-root-ca.pem'), 'utf8');
});
afterAll(endExiftool);

interface Manifest {
  assertions?: { label: string; data: unknown }[];
  ingredients?: { relationship?: string; active_manifest?: string }[];
  thumbnail?: { format: string };
  signature_info?: { issuer?: string };
}
interface Store {
  validation_state: string;
  validation_status?: { code: string }[];
  active_manifest?: string;
}

async function readBack(r: LabelResult, anchors?: string) {
  const settings = { verify: { remote_manifest_fetch: false }, ...(anchors ? { trust: { trust_anchors: anchors } } : {}) };
  const reader = await Reader.fromAsset({ buffer: r.bytes, mimeType: r.mimeType }, settings as never);
  expect(reader, 'the output carries a C2PA manifest').not.toBeNull();
  // The SDK's JSON types come from a package that is not installed here: describe what we read.
  return { store: reader!.json() as unknown as Store, active: reader!.getActive()! as unknown as Manifest };
}

const FORMATS = [
  ['white.jpg', 'jpeg'],
  ['black.png', 'png'],
  ['busy.webp', 'webp'],
  ['busy.avif', 'avif'],
  ['blue.tiff', 'tiff'],
] as const;

describe.each(FORMATS)('labelling %s', (file, format) => {
  let r: LabelResult;
  beforeAll(async () => {
    r = await label(
      fixture('images', file),
      { aiSystem: 'Midjourney', aiSystemVersion: '7', prompt: 'steppe at dawn', promptWriter: 'Desk editor', embedPrompt: true },
      ctx,
    );
  });

  it('keeps the format and stays decodable by libvips', async () => {
    const s = await sniff(r.bytes);
    expect(s).toMatchObject({ kind: 'image', format });
    const { info } = await sharp(r.bytes, { failOn: 'warning' }).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([640, 480]);
  });

  it('carries IPTC DigitalSourceType and the AI fields, readable by exiftool', async () => {
    const t = (await readTags(r.bytes, r.ext)) as Record<string, unknown>;
    expect(t.DigitalSourceType).toBe(DST_BASE + 'trainedAlgorithmicMedia');
    expect(t.AISystemUsed).toBe('Midjourney');
    expect(String(t.AISystemVersionUsed)).toBe('7');
    expect(t.AIPromptInformation).toBe('steppe at dawn');
    expect(t.AIPromptWriterName).toBe('Desk editor');
    expect(String(t.Description)).toContain('Создано с помощью ИИ');
    expect(t.Warning ?? '').not.toMatch(/empty xmp/i);
  });

  it('is signed: Valid (untrusted dev identity), Trusted with the dev root as anchor', async () => {
    const plain = await readBack(r);
    expect(plain.store.validation_state).toBe('Valid');
    expect((plain.store.validation_status ?? []).map((s) => s.code)).toEqual(['signingCredential.untrusted']);
    const anchored = await readBack(r, devRoot);
    expect(anchored.store.validation_state).toBe('Trusted');
    expect(anchored.store.validation_status ?? []).toEqual([]);
    expect(plain.store.active_manifest).toBe(r.record.manifestLabel);
  });

  it('records the AI source type, the AI system and the visible warning in the manifest', async () => {
    const { active } = await readBack(r);
    const actions =
      (active.assertions?.find((a) => a.label.startsWith('c2pa.actions'))?.data as { actions: Record<string, unknown>[] } | undefined)?.actions ?? [];
    const created = actions.find((a) => a.action === 'c2pa.created')!;
    expect(created.digitalSourceType).toBe(DST_BASE + 'trainedAlgorithmicMedia');
    expect(created.softwareAgent).toMatchObject({ name: 'Midjourney', version: '7' });
    const mark = active.assertions?.find((a) => a.label === MARK_ASSERTION)?.data as Record<string, unknown>;
    expect(mark.region).toEqual(r.record.mark!.region);
    expect(mark.wording).toEqual({ kk: 'ЖИ көмегімен жасалған', ru: 'Создано с помощью ИИ' });
    expect(active.thumbnail?.format).toBe('image/jpeg');
    expect(active.signature_info?.issuer).toBe(ctx.identity.organisation);
  });

  it('shows a legible warning where the record says: ≥ 5 % of the shorter side, contrast ≥ 4.5:1', async () => {
    const region = r.record.mark!.region;
    expect(r.record.mark!.mode).toBe('words');
    expect(region.x + region.width).toBeLessThanOrEqual(640);
    expect(region.y + region.height).toBeLessThanOrEqual(480);
    expect(await textContrast(r.bytes, region)).toBeGreaterThanOrEqual(4.5);
    expect(await firstLineHeight(r.bytes, region)).toBeGreaterThanOrEqual(0.05 * 480);
    const text = await ocr(r.bytes, region);
    expect(text).toMatch(RU_OCR);
    expect(text).toMatch(/ЖИ к[өе]мегімен жасалған/);
  });
});

describe('labelling special inputs', () => {
  it('draws the warning upright on an EXIF-rotated photo and keeps caption, credit, rights, ICC', async () => {
    const input = fixture('images', 'rotated-captioned.jpg');
    const r = await label(input, {}, ctx);
    const meta = await sharp(r.bytes).metadata();
    expect([meta.width, meta.height]).toEqual([400, 600]);
    expect(meta.orientation ?? 1).toBe(1);
    // The red stripe at the stored top is on the right once upright.
    const { data } = await sharp(r.bytes).extract({ left: 380, top: 10, width: 10, height: 10 }).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(200);
    expect(data[1]).toBeLessThan(80);
    // The mark sits at the bottom-left of the upright picture and reads correctly.
    const region = r.record.mark!.region;
    expect(region.y + region.height).toBeGreaterThan(500);
    expect(await ocr(r.bytes, region)).toMatch(RU_OCR);
    const t = (await readTags(r.bytes, 'jpg')) as Record<string, unknown>;
    expect(t['Caption-Abstract']).toBe('Almaty skyline at dusk');
    expect(String(t.Description)).toContain('Almaty skyline at dusk');
    expect(t.Credit).toBe('Example Agency');
    expect(t.Rights).toBe('© 2026 Example Agency');
    expect(t.Copyright).toBe('© 2026 Example Agency');
    expect(t.Creator).toEqual(['Aigerim N.']);
    expect(String(t.ProfileDescription)).toMatch(/P3/i);
    // The manifest's thumbnail shows the same upright, labelled picture.
    const reader = await Reader.fromAsset({ buffer: r.bytes, mimeType: 'image/jpeg' }, { verify: { remote_manifest_fetch: false } } as never);
    const sink: { buffer: Buffer | null } = { buffer: null };
    const res = (await reader!.resourceToAsset(reader!.getActive()!.thumbnail!.identifier, sink)) as unknown as { buffer?: Buffer };
    const thumb = sink.buffer ?? res.buffer!;
    const tm = await sharp(thumb).metadata();
    expect(tm.height! / tm.width!).toBeCloseTo(1.5, 1);
    const corner = await sharp(thumb)
      .extract({ left: 0, top: Math.round(tm.height! * 0.8), width: Math.round(tm.width! * 0.5), height: Math.round(tm.height! * 0.2) })
      .greyscale()
      .raw()
      .toBuffer();
    const dark = corner.filter((v) => v < 80).length / corner.length;
    expect(dark).toBeGreaterThan(0.5); // the mark's dark backing fills the bottom-left, as in the full image
  });

  it("keeps a generator's C2PA manifest as the parent ingredient and records the edit", async () => {
    const input = fixture('images', 'generator-c2pa.jpg');
    const before = await Reader.fromAsset({ buffer: input, mimeType: 'image/jpeg' }, { verify: { remote_manifest_fetch: false } } as never);
    const r = await label(input, { sourceType: 'compositeWithTrainedAlgorithmicMedia' }, ctx);
    expect(r.record.parentManifestKept).toBe(true);
    const { store, active } = await readBack(r);
    expect(store.validation_state).toBe('Valid');
    const parent = active.ingredients?.find((i) => i.relationship === 'parentOf');
    expect(parent?.active_manifest).toBe((before!.json() as unknown as Store).active_manifest);
    const actions =
      (active.assertions?.find((a) => a.label.startsWith('c2pa.actions'))?.data as { actions: Record<string, unknown>[] } | undefined)?.actions ?? [];
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(['c2pa.opened', 'c2pa.edited']));
    expect(actions.find((a) => a.action === 'c2pa.edited')?.digitalSourceType).toBe(DST_BASE + 'compositeWithTrainedAlgorithmicMedia');
  });

  it('wraps the words inside a narrow portrait, never clipping them', async () => {
    const r = await label(fixture('images', 'narrow-portrait.png'), { languages: ['kk', 'ru', 'en'] }, ctx);
    const { region, mode } = r.record.mark!;
    expect(mode).toBe('words');
    expect(region.x).toBeGreaterThanOrEqual(0);
    expect(region.x + region.width).toBeLessThanOrEqual(120);
    expect(await textContrast(r.bytes, region)).toBeGreaterThanOrEqual(4.5);
  });

  it('gives an image too small for words the short mark on an added band', async () => {
    const r = await label(fixture('images', 'tiny.png'), {}, ctx);
    expect(r.record.mark!.mode).toBe('extended-canvas');
    expect(r.record.wording).toBeDefined();
    const meta = await sharp(r.bytes).metadata();
    expect(meta.height).toBeGreaterThan(16);
    expect(await textContrast(r.bytes, r.record.mark!.region)).toBeGreaterThanOrEqual(4.5);
    expect((await readBack(r)).store.validation_state).toBe('Valid');
  });

  it('puts a band across the top when asked, with custom wording', async () => {
    const r = await label(fixture('images', 'white.jpg'), { placement: 'band-top', languages: ['ru', 'en'], wording: { ru: 'Изображение создано ИИ' } }, ctx);
    expect(r.record.mark!.region).toMatchObject({ x: 0, y: 0, width: 640 });
    const text = await ocr(r.bytes, r.record.mark!.region);
    expect(text).toContain('Изображение создано ИИ');
    expect(text).toMatch(/Generated with A[Il]/); // sans-serif I reads as l to OCR
  });

  it.each([
    ['empty.jpg', 'empty_input'],
    ['truncated.jpg', 'corrupt_input'],
    ['not-an-image.jpg', 'unsupported_type'],
    ['script.svg', 'svg_not_supported'],
    ['pixel-bomb.png', 'too_many_pixels'],
  ])('refuses hostile input %s with code %s', async (file, code) => {
    await expect(label(fixture('hostile', file), {}, ctx)).rejects.toMatchObject({ code });
  });
});

describe('finding upstream provenance cheaply', () => {
  it('says a file may carry a manifest whenever the SDK finds one, in every peer fixture', async () => {
    const { mayCarryManifest, readManifest } = await import('../src/provenance/c2pa.js');
    const dir = path.join(PEER_FIXTURES);
    for (const f of fs.readdirSync(dir).filter((n) => /\.(jpe?g|png|webp|avif|tiff?|gif|svg)$/i.test(n))) {
      const bytes = fs.readFileSync(path.join(dir, f));
      const outcome = await readManifest(bytes, mimeOf(f));
      if (outcome.kind !== 'absent') expect(mayCarryManifest(bytes), f).toBe(true);
    }
    expect(mayCarryManifest(fixture('images', 'white.jpg'))).toBe(false);
  });
});

function mimeOf(f: string): string {
  const ext = f.split('.').pop()!.toLowerCase();
  return (
    {
      jpg: 'image/jpeg',
      jpeg: 'image/jpeg',
      png: 'image/png',
      webp: 'image/webp',
      avif: 'image/avif',
      tif: 'image/tiff',
      tiff: 'image/tiff',
      gif: 'image/gif',
      svg: 'image/svg+xml',
    } as Record<string, string>
  )[ext];
}
