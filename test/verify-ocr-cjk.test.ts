/**
 * Verify reads the cn profile's own notice «人工智能生成» in the pixels of a copy stripped of all
 * metadata. Tesseract's page layout loses large CJK glyphs in a box; candidate lines that gave no
 * word are read again as one block of Chinese (signals/visible-text.ts). Unlabelled pictures and
 * the other profiles' marks are covered by verify-ocr.test.ts.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { label } from '../src/core/label.js';
import type { CoreContext } from '../src/core/types.js';
import { verify } from '../src/core/verify.js';
import { ocrStatus } from '../src/media/ocr.js';
import { endExiftool } from '../src/provenance/exiftool.js';
import { testContext } from './helpers/context.js';

let ctx: CoreContext;
beforeAll(async () => {
  ctx = await testContext();
});
afterAll(endExiftool);

/** A sky-like gradient with some texture: no text of its own. */
async function picture(width: number, height: number): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#6d8fc2"/><stop offset="1" stop-color="#c9d8e8"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer();
}

it.each([
  [1600, 1000],
  [1000, 1500],
])('finds «人工智能生成» on a %i×%i cn-labelled picture whose metadata was stripped', async (width, height) => {
  const status = await ocrStatus();
  expect(status.languages, 'tesseract-ocr-chi-sim must be installed (.ci/run installs it)').toContain('chi_sim');
  const labelled = await label(await picture(width, height), { profile: 'cn', aiSystem: 'Midjourney' }, ctx);
  const stripped = await sharp(labelled.bytes).jpeg({ quality: 85 }).toBuffer(); // sharp keeps no metadata unless asked
  const report = await verify(stripped, {}, { ...ctx, records: undefined });
  expect(report.c2pa.state).toBe('absent');
  expect(report.ocr).toMatchObject({ available: true, read: true });
  const seen = report.signals.find((s) => s.source === 'visible-text');
  expect(seen, JSON.stringify(report.signals)).toMatchObject({ language: 'zh', visible: true });
  expect(seen!.place).toMatch(/^bottom/);
  expect(report.compliance.visibleWarning).toBe(true);
});
