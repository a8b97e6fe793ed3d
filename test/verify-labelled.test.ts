/**
 * Our own output, verified: a file labelled by the core's label() carries both layers of
 * Art. 21(2); flipping bytes in its pixel data breaks the manifest's hard binding.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { label } from '../src/core/label.js';
import type { VerifyReport } from '../src/domain/report.js';
import type { CoreContext } from '../src/core/types.js';
import { verify } from '../src/core/verify.js';
import { runCli, tempContext } from './helpers/verify-kit.js';

let ctx: CoreContext;
let dir: string;
let labelled: Buffer;
let flipped: Buffer;

/** Flips one byte in the middle of the JPEG's entropy-coded data (after the last SOS marker). */
function flipPixelByte(jpeg: Buffer): Buffer {
  const sos = jpeg.lastIndexOf(Buffer.from([0xff, 0xda]));
  const out = Buffer.from(jpeg);
  let at = sos + Math.floor((jpeg.length - sos) / 2);
  while (out[at] >= 0xfe || out[at - 1] === 0xff) at++; // never create or break a marker
  out[at] ^= 0x01;
  return out;
}

beforeAll(async () => {
  ({ ctx, dir } = await tempContext({ records: true }));
  const picture = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#c06040' } })
    .jpeg()
    .toBuffer();
  labelled = (await label(picture, { aiSystem: 'Midjourney' }, ctx)).bytes;
  flipped = flipPixelByte(labelled);
  fs.writeFileSync(path.join(dir, 'labelled.jpg'), labelled);
  fs.writeFileSync(path.join(dir, 'flipped.jpg'), flipped);
});

describe('verify our own labelled output', () => {
  it('is valid, AI-generated and compliant: machine-readable label + recorded visible warning', async () => {
    const r = await verify(labelled, {}, ctx);
    expect(r.c2pa.state).toBe('valid');
    expect(r.aiGenerated).toBe(true);
    expect(r.tampered).toBe(false);
    expect(r.compliance).toEqual({ machineReadable: true, visibleWarning: true, compliant: true });
    expect(r.c2pa.visibleWarning?.languages).toEqual(['kk', 'ru']);
    expect(r.c2pa.visibleWarning?.wording?.kk).toBe('ЖИ көмегімен жасалған');
    expect(r.signals.map((s) => s.source)).toEqual(expect.arrayContaining(['c2pa', 'c2pa-visible-warning', 'xmp-iptc', 'tc260']));
    expect(r.summary.ru).toContain('выполнено');
  });

  it('is trusted when the development root is given as an anchor', async () => {
    const root = fs.readFileSync(path.join(ctx.config.dataDir, 'identity', 'dev-root-ca.pem'), 'utf8');
    const r = await verify(labelled, { trustAnchorsPem: root }, ctx);
    expect(r.c2pa.state).toBe('trusted');
    expect(r.c2pa.codes).toEqual([]);
  });

  it('writes the verification to the provenance record when there is one', async () => {
    const r = await verify(labelled, {}, ctx);
    expect(typeof r.recordId).toBe('string');
    expect((await ctx.records!.get(r.recordId!))?.type).toBe('verify');
  });

  it('after a flipped pixel byte: invalid, tampered, not compliant (in process)', async () => {
    // Pixels not read (OCR off): the broken manifest's warning claim alone must not count.
    const r = await verify(flipped, { ocr: false }, ctx);
    expect(r.c2pa.state).toBe('invalid');
    expect(r.c2pa.codes).toContain('assertion.dataHash.mismatch');
    expect(r.tampered).toBe(true);
    expect(r.compliance.visibleWarning).toBeNull();
    expect(r.compliance.compliant).toBe(false);
  });

  it('CLI: 0 and compliant for the labelled file (trusted with --trust-anchors), 1 and invalid for the flipped one', async () => {
    const root = path.join(ctx.config.dataDir, 'identity', 'dev-root-ca.pem');
    const run = await runCli(['verify', '--json', '--trust-anchors', root, path.join(dir, 'labelled.jpg')], dir);
    expect(run.code).toBe(0);
    const ok = JSON.parse(run.stdout) as VerifyReport;
    expect(ok).toMatchObject({ file: path.join(dir, 'labelled.jpg'), c2pa: { state: 'trusted' }, compliance: { compliant: true } });
    const bad = await runCli(['verify', '--report-lang', 'kk', path.join(dir, 'flipped.jpg')], dir);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('C2PA: invalid');
    expect(bad.stdout).toContain('бұзылған');
  });
});
