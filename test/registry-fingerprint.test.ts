import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { hamming, imageFingerprints, QUERY_CROPS, STORED_CROPS, textSimhash } from '../src/registry/fingerprint.js';
import { bandsOf, IMAGE_MATCH_DISTANCE, MAX_GUARANTEED_DISTANCE, probesFor, TEXT_MATCH_DISTANCE } from '../src/registry/near-index.js';
import { PEER_FIXTURES } from './helpers/context.js';

/** Distinct photographs among the c2pa-rs fixtures (several others are the same picture re-signed). */
const PHOTOS = ['CA.jpg', 'adobe-20220124-E-clm-CAICAI.jpg', 'cloud.jpg', 'no_alg.jpg', 'no_manifest.jpg', 'ocsp_with_assertion.jpg'];

/** What a lookup computes: the smallest distance between a stored and a query fingerprint. */
async function lookupDistance(stored: Buffer, copy: Buffer): Promise<number> {
  const [s, q] = await Promise.all([imageFingerprints(stored, STORED_CROPS), imageFingerprints(copy, QUERY_CROPS)]);
  return Math.min(...s.flatMap((a) => q.map((b) => hamming(a.hash, b.hash))));
}

const photos: Record<string, Buffer> = {};
beforeAll(async () => {
  // Orientation baked in, as any tool that strips metadata does.
  for (const f of PHOTOS)
    photos[f] = await sharp(fs.readFileSync(path.join(PEER_FIXTURES, f)))
      .rotate()
      .jpeg({ quality: 90 })
      .toBuffer();
});

async function crop(img: Buffer, side: { left?: number; top?: number; right?: number; bottom?: number }): Promise<Buffer> {
  const { width: w, height: h } = await sharp(img).metadata();
  const left = Math.round(w! * (side.left ?? 0));
  const top = Math.round(h! * (side.top ?? 0));
  return sharp(img)
    .extract({ left, top, width: w! - left - Math.round(w! * (side.right ?? 0)), height: h! - top - Math.round(h! * (side.bottom ?? 0)) })
    .webp({ quality: 80 })
    .toBuffer();
}

describe('image pHash', () => {
  it('survives half size, JPEG quality 70, metadata removal and a change to WebP or PNG', async () => {
    for (const f of ['CA.jpg', 'cloud.jpg', 'ocsp_with_assertion.jpg']) {
      const img = photos[f];
      const { width } = await sharp(img).metadata();
      const half = await sharp(img)
        .resize(Math.round(width! / 2))
        .jpeg({ quality: 70 })
        .toBuffer();
      const png = await sharp(img).png().toBuffer();
      expect(await lookupDistance(img, half), `${f} half q70`).toBeLessThanOrEqual(4);
      expect(await lookupDistance(img, png), `${f} png`).toBeLessThanOrEqual(2);
    }
  });

  it('survives small crops: 5 % all round, 5 % off one side, 5 % off a corner, 8 % all round', async () => {
    for (const f of ['CA.jpg', 'cloud.jpg', 'ocsp_with_assertion.jpg']) {
      const img = photos[f];
      const copies = {
        around5: await crop(img, { left: 0.05, top: 0.05, right: 0.05, bottom: 0.05 }),
        right5: await crop(img, { right: 0.05 }),
        corner5: await crop(img, { left: 0.05, top: 0.05 }),
        around8: await crop(img, { left: 0.08, top: 0.08, right: 0.08, bottom: 0.08 }),
      };
      for (const [name, copy] of Object.entries(copies)) expect(await lookupDistance(img, copy), `${f} ${name}`).toBeLessThanOrEqual(IMAGE_MATCH_DISTANCE);
    }
  });

  it('does not match unrelated photographs, noise or gradients', async () => {
    const noise = await sharp(Buffer.from(Array.from({ length: 64 * 48 * 3 }, (_, i) => (i * 2654435761) % 251)), {
      raw: { width: 64, height: 48, channels: 3 },
    })
      .resize(640, 480, { kernel: 'nearest' })
      .png()
      .toBuffer();
    const ramp = (dir: 'x' | 'y') =>
      sharp(Buffer.from(Array.from({ length: 256 * 256 }, (_, i) => (dir === 'x' ? i % 256 : Math.floor(i / 256)))), {
        raw: { width: 256, height: 256, channels: 1 },
      })
        .png()
        .toBuffer();
    const images: Record<string, Buffer> = { ...photos, noise, rampX: await ramp('x'), rampY: await ramp('y') };
    const names = Object.keys(images);
    const distances: number[] = [];
    for (const a of names) for (const b of names) if (a !== b) distances.push(await lookupDistance(images[a], images[b]));
    // A margin over the threshold, not just above it: a million rows will see closer pairs than a dozen.
    expect(Math.min(...distances)).toBeGreaterThan(IMAGE_MATCH_DISTANCE + 4);
  });
});

describe('near index', () => {
  it('finds by band probes every hash within the guaranteed distance, and the threshold is within it', () => {
    expect(IMAGE_MATCH_DISTANCE).toBeLessThanOrEqual(MAX_GUARANTEED_DISTANCE);
    expect(TEXT_MATCH_DISTANCE).toBeLessThanOrEqual(MAX_GUARANTEED_DISTANCE);
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let trial = 0; trial < 200; trial++) {
      const q = Array.from({ length: 16 }, () => Math.floor(rnd() * 16).toString(16)).join('');
      const bits = q
        .split('')
        .map((c) => parseInt(c, 16).toString(2).padStart(4, '0'))
        .join('')
        .split('');
      const flips = new Set<number>();
      while (flips.size < MAX_GUARANTEED_DISTANCE) flips.add(Math.floor(rnd() * 64));
      for (const i of flips) bits[i] = bits[i] === '1' ? '0' : '1';
      const near = bits
        .join('')
        .match(/.{4}/g)!
        .map((b) => parseInt(b, 2).toString(16))
        .join('');
      expect(hamming(q, near)).toBe(MAX_GUARANTEED_DISTANCE);
      const probes = probesFor([q]);
      expect(
        bandsOf(near).some((band, i) => probes[i].includes(band)),
        `${q} vs ${near}`,
      ).toBe(true);
    }
  });
});

describe('text SimHash', () => {
  const article =
    'Алматы әкімдігі жаңа саябақтың құрылысы күзде аяқталатынын хабарлады. The city administration said the new park in the north of Almaty will open in October, ' +
    'with a playground, a cycling track along the river and two thousand newly planted trees, according to the deputy mayor who spoke to reporters on Tuesday.';
  it('stays near after markup, case and spacing changes and a few edited words', () => {
    const edited = `<p>${article.toUpperCase().replace('two thousand', '2000').replace('Tuesday', 'Wednesday')}</p>`;
    expect(hamming(textSimhash(article)!, textSimhash(edited)!)).toBeLessThanOrEqual(TEXT_MATCH_DISTANCE);
  });
  it('is far from an unrelated text and absent for a few words', () => {
    const other =
      'Parliament approved the budget amendments after a long debate on healthcare spending, pensions, road building and the financing of regional schools next year, officials said.';
    expect(hamming(textSimhash(article)!, textSimhash(other)!)).toBeGreaterThan(TEXT_MATCH_DISTANCE + 8);
    expect(textSimhash('AI generated')).toBeUndefined();
  });
});

it('queries start with the same whole-picture crop that is stored (the registry reuses that hash when it records a check)', () => {
  expect(QUERY_CROPS[0]).toEqual(STORED_CROPS[0]);
  expect(STORED_CROPS[0]).toEqual({ keep: 1, ax: 0.5, ay: 0.5 });
});
