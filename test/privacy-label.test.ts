/**
 * Personal data kept out of what travels: the fixture photo (GPS, camera and lens serial
 * numbers, owner name in EXIF and in Canon maker notes, an EXIF thumbnail and a Photoshop one,
 * an editing history naming the source's folders, a host computer, IPTC and XMP location) is
 * labelled through the core in every JPEG path and in PNG/WebP/AVIF, and ExifTool reads the
 * output: none of it is left, creator, credit, rights, caption and the ICC profile are kept;
 * --keep-location and --keep-camera bring their fields back. Prompts stay out of the file
 * (ExifTool and c2pa-node read it) unless embedPrompt asks.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Reader } from '@contentauth/c2pa-node';
import { exiftool } from 'exiftool-vendored';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { label } from '../src/core/label.js';
import type { CoreContext } from '../src/core/types.js';
import { endExiftool, readTags } from '../src/provenance/exiftool.js';
import { PROMPT_ASSERTION } from '../src/provenance/manifest.js';
import { findCarriers } from '../src/text/carriers.js';
import { fixture, testContext } from './helpers/context.js';

/** Tags (ExifTool names, any group) that must not survive a default label. */
const PERSONAL_TAGS = [
  'GPSLatitude',
  'GPSLongitude',
  'GPSAltitude',
  'GPSPosition',
  'SerialNumber',
  'LensSerialNumber',
  'OwnerName',
  'ImageUniqueID',
  'HostComputer',
  'DocumentName',
  'ThumbnailImage',
  'PhotoshopThumbnail',
  'HistoryParameters',
  'HistoryAction',
  'DerivedFromFilePath',
  'DocumentAncestors',
  'City',
  'Sub-location',
  'Country-PrimaryLocationName',
  'Location',
];
/** Strings of the fixture that no byte of a default output may hold (maker notes are only found this way). */
const PERSONAL_BYTES = ['Invented Owner Name', 'BODY-0042-7731', 'LENS-9911-0007', 'aigerim', 'Abay Avenue 10', 'Almaty', '0123456789abcdef'];

let ctx: CoreContext;
let photo: Buffer;
let photoWithoutIcc: Buffer;

beforeAll(async () => {
  ctx = await testContext();
  photo = fixture('images', 'privacy-photo.jpg');
  // Without its ICC profile the JPEG takes the one-decode path (labelOnce), whose metadata is carried byte for byte.
  photoWithoutIcc = await withoutIcc(photo);
});

afterAll(async () => {
  await ctx.records?.close();
  await endExiftool();
  await exiftool.end();
});

async function withoutIcc(jpeg: Buffer): Promise<Buffer> {
  // Drop the APP2 ICC_PROFILE segments by hand: any re-encoder would drop the other metadata too.
  const parts: Buffer[] = [jpeg.subarray(0, 2)];
  let at = 2;
  while (at + 4 <= jpeg.length && jpeg[at] === 0xff && jpeg[at + 1] !== 0xda) {
    const end = at + 2 + jpeg.readUInt16BE(at + 2);
    const icc = jpeg[at + 1] === 0xe2 && jpeg.toString('latin1', at + 4, at + 16) === 'ICC_PROFILE\0';
    if (!icc) parts.push(jpeg.subarray(at, end));
    at = end;
  }
  parts.push(jpeg.subarray(at));
  return Buffer.concat(parts);
}

function present(tags: Record<string, unknown>, names: string[]): string[] {
  return names.filter((n) => tags[n] !== undefined);
}

describe('the fixture photo carries every kind of personal data (so the tests below prove something)', () => {
  it('ExifTool reads GPS, serials, owner, maker notes, previews and history paths in it', async () => {
    const t = (await readTags(photo, 'jpg')) as Record<string, unknown>;
    const core = ['GPSLatitude', 'SerialNumber', 'LensSerialNumber', 'OwnerName', 'ThumbnailImage', 'PhotoshopThumbnail', 'DocumentAncestors', 'City'];
    expect(present(t, core)).toEqual(core);
    expect(present(t, PERSONAL_TAGS).length).toBeGreaterThanOrEqual(16);
    expect(photo.includes('Invented Owner Name')).toBe(true);
  });
});

describe.each([
  ['JPEG with an ICC profile (decode, mark, encode)', 'jpg', () => photo],
  ['JPEG without a profile (one decode, segments carried over)', 'jpg', () => photoWithoutIcc],
  ['PNG', 'png', () => sharp(photo).keepMetadata().png().toBuffer()],
  ['WebP', 'webp', () => sharp(photo).keepMetadata().webp().toBuffer()],
  ['AVIF', 'avif', () => sharp(photo).keepMetadata().avif().toBuffer()],
] as const)('labelling the photo as %s', (_name, ext, input) => {
  let out: Buffer;
  let removed: { kind: string; field: string }[];

  beforeAll(async () => {
    const r = await label(await input(), { prompt: 'portrait of Invented Person at home', promptWriter: 'Photo desk' }, ctx);
    out = r.bytes;
    removed = r.record.privacy?.removed ?? [];
  });

  it('leaves no GPS, serial number, owner, unique id, preview, history path or location (ExifTool, and the bytes)', async () => {
    const t = (await readTags(out, ext)) as Record<string, unknown>;
    expect(present(t, PERSONAL_TAGS)).toEqual([]);
    expect(Object.keys(t).filter((k) => /^MakerNote|^Canon/.test(k))).toEqual([]);
    expect(PERSONAL_BYTES.filter((s) => out.includes(s))).toEqual([]);
  });

  it('keeps creator, credit, rights, caption and the ICC profile', async () => {
    const t = (await readTags(out, ext)) as Record<string, unknown>;
    expect(String(t.Creator ?? t.Artist)).toContain('Aigerim N.');
    expect(String(t.Credit)).toBe('Example Agency');
    expect(String(t.Rights ?? t.Copyright)).toContain('2026 Example Agency');
    expect(String(t.Description)).toContain('Protest on Abay Avenue');
    if (ext === 'jpg' && input() !== photoWithoutIcc) expect(t.ProfileDescription).toBe('sP3C');
  });

  it('keeps no prompt in the file unless asked (ExifTool and c2pa-node)', async () => {
    const t = (await readTags(out, ext)) as Record<string, unknown>;
    expect(t.AIPromptInformation).toBeUndefined();
    expect(t.AIPromptWriterName).toBeUndefined();
    const reader = await Reader.fromAsset({ buffer: out, mimeType: `image/${ext === 'jpg' ? 'jpeg' : ext}` });
    expect(JSON.stringify(reader?.json())).not.toContain('Invented Person');
    expect(out.includes('Invented Person')).toBe(false);
  });

  it('names in the record what it removed (field names, never values)', () => {
    const kinds = new Set(removed.map((r) => r.kind));
    expect(kinds.has('location')).toBe(true);
    if (ext === 'jpg') for (const k of ['serial-number', 'owner-name', 'embedded-preview']) expect(kinds.has(k)).toBe(true);
    expect(JSON.stringify(removed)).not.toMatch(/BODY-0042|Almaty|Invented/);
  });
});

describe('comments and generator text', () => {
  it('a JPEG comment and a PNG generator prompt (Stable Diffusion "parameters") do not travel', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labeller-privacy-text-'));
    const jpg = path.join(dir, 'commented.jpg');
    const png = path.join(dir, 'sd.png');
    fs.writeFileSync(jpg, photo);
    await sharp({ create: { width: 320, height: 200, channels: 3, background: '#446688' } })
      .png()
      .toFile(png);
    await exiftool.write(jpg, { Comment: 'shot at the home of Invented Person' } as never, { writeArgs: ['-overwrite_original'] });
    await exiftool.write(png, {} as never, { writeArgs: ['-overwrite_original', '-PNG:parameters=portrait of Invented Person, Steps: 20, Sampler: Euler a'] });
    expect((await readTags(fs.readFileSync(png), 'png')).Parameters).toMatch(/Invented Person/);
    for (const [file, ext] of [
      [jpg, 'jpg'],
      [png, 'png'],
    ] as const) {
      const r = await label(fs.readFileSync(file), {}, ctx);
      expect(r.bytes.includes('Invented Person'), file).toBe(false);
      const t = (await readTags(r.bytes, ext)) as Record<string, unknown>;
      expect([t.Comment, t.Parameters]).toEqual([undefined, undefined]);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('opting back in', () => {
  it('--keep-location keeps GPS and the IPTC city, still no serial numbers', async () => {
    const r = await label(photoWithoutIcc, { keepLocation: true }, ctx);
    const t = (await readTags(r.bytes, 'jpg')) as Record<string, unknown>;
    expect(present(t, ['GPSLatitude', 'GPSLongitude', 'City'])).toEqual(['GPSLatitude', 'GPSLongitude', 'City']);
    expect(present(t, ['SerialNumber', 'LensSerialNumber', 'OwnerName', 'ThumbnailImage'])).toEqual([]);
  });

  it('--keep-camera keeps serial numbers, owner and the Canon maker notes, still no GPS or preview', async () => {
    const r = await label(photoWithoutIcc, { keepCamera: true }, ctx);
    const t = (await readTags(r.bytes, 'jpg')) as Record<string, unknown>;
    expect(String(t.SerialNumber)).toMatch(/BODY-0042-7731|3141592653/);
    expect(present(t, ['LensSerialNumber', 'OwnerName'])).toEqual(['LensSerialNumber', 'OwnerName']);
    expect(r.bytes.includes('Invented Owner Name')).toBe(true);
    expect(present(t, ['GPSLatitude', 'ThumbnailImage', 'PhotoshopThumbnail', 'DocumentName'])).toEqual([]);
  });
});

describe('the prompt in the file only with embedPrompt', () => {
  it('writes it into XMP and the C2PA manifest when asked (ExifTool, c2pa-node)', async () => {
    const r = await label(photo, { prompt: 'steppe at dawn', promptWriter: 'Photo desk', embedPrompt: true }, ctx);
    const t = (await readTags(r.bytes, 'jpg')) as Record<string, unknown>;
    expect(t.AIPromptInformation).toBe('steppe at dawn');
    expect(t.AIPromptWriterName).toBe('Photo desk');
    const reader = await Reader.fromAsset({ buffer: r.bytes, mimeType: 'image/jpeg' });
    const active = reader?.getActive() as unknown as { assertions: { label: string; data: Record<string, string> }[] };
    expect(active.assertions.find((a) => a.label === 'kz.labeller.ai-prompt')?.data).toEqual({
      AIPromptInformation: 'steppe at dawn',
      AIPromptWriterName: 'Photo desk',
    });
  });
});

describe('a text: the prompt in its manifest only with embedPrompt (c2pa-node reads the store)', () => {
  const text = Buffer.from('Жасанды интеллект туралы мақала. '.repeat(20));
  const assertionOf = async (out: Buffer) => {
    const carriers = findCarriers(out.toString('utf8'));
    const reader = await Reader.fromAsset({ buffer: carriers[0].store!, mimeType: 'application/c2pa' }, { verify: { remote_manifest_fetch: false } } as never);
    const active = reader!.getActive() as unknown as { assertions: { label: string; data: Record<string, string> }[] };
    return active.assertions.find((a) => a.label === PROMPT_ASSERTION)?.data;
  };

  it('absent by default, present when asked', async () => {
    const plain = await label(text, { prompt: 'article about Invented Person', textFormat: 'txt' }, ctx);
    expect(await assertionOf(plain.bytes)).toBeUndefined();
    const asked = await label(text, { prompt: 'article about Invented Person', promptWriter: 'Desk', textFormat: 'txt', embedPrompt: true }, ctx);
    expect(await assertionOf(asked.bytes)).toEqual({ AIPromptInformation: 'article about Invented Person', AIPromptWriterName: 'Desk' });
  });
});

describe('the record keeps the prompt outside its chain', () => {
  it('stores the text apart and only a salted hash in the chained row', async () => {
    const r = await label(photo, { prompt: 'portrait of Invented Person', promptWriter: 'Photo desk' }, ctx);
    const id = r.record.id!;
    const stored = await ctx.records!.get(id);
    expect(JSON.stringify(stored)).not.toContain('Invented Person');
    expect(stored?.data.promptHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await ctx.records!.promptOf!(id)).toEqual({ text: 'portrait of Invented Person', writer: 'Photo desk' });
    // Two labels of the same prompt: unrelated hashes (a fresh salt each time), so the hash names no guessable prompt.
    const again = await label(photo, { prompt: 'portrait of Invented Person', promptWriter: 'Photo desk' }, ctx);
    expect((await ctx.records!.get(again.record.id!))?.data.promptHash).not.toBe(stored?.data.promptHash);
  });
});

it('the fixture script and its licence note are in the repository', () => {
  const script = fs.readFileSync(path.join(import.meta.dirname, '../fixtures/make-privacy-fixture.ts'), 'utf8');
  expect(script).toMatch(/CC0/);
  expect(script).toMatch(/exiftool/i);
});
