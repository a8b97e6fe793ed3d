/**
 * The soft binding: every labelled image and text carries a c2pa.soft-binding assertion
 * (alg io.iscc.v0) with the ISCC Content-Code of the labelled output, inside a Valid manifest;
 * verify reports it, and the code describes the labelled pixels (the code of the decoded output
 * is within a few bits of it, the unlabelled input's code is not what was bound).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Reader } from '@contentauth/c2pa-node';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { label } from '../src/core/label.js';
import type { CoreContext } from '../src/core/types.js';
import { verify } from '../src/core/verify.js';
import { codeDistance, decodeUnit } from '../src/domain/iscc/index.js';
import { imageIsccOf } from '../src/media/iscc-image.js';
import { textFileCode } from '../src/text/reader-text.js';
import { ROOT } from './helpers/context.js';
import { kazakhMarkdown, kazakhText, photoLike } from './helpers/synthetic.js';
import { schemaErrors, tempContext } from './helpers/verify-kit.js';

let ctx: CoreContext;
const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'schema/verify-report.schema.json'), 'utf8'));

beforeAll(async () => {
  ({ ctx } = await tempContext());
});

async function activeAssertions(bytes: Buffer, mimeType: string): Promise<{ state: string; assertions: { label: string; data: Record<string, any> }[] }> {
  const reader = await Reader.fromAsset({ buffer: bytes, mimeType }, { verify: { remote_manifest_fetch: false } } as never);
  const store = reader!.json() as Record<string, any>;
  return { state: store.validation_state, assertions: store.manifests[store.active_manifest].assertions };
}

describe('images', () => {
  for (const format of ['jpeg', 'png', 'webp'] as const) {
    it(`a labelled ${format.toUpperCase()} carries the ISCC Image-Code of its labelled pixels, read back by c2pa-node in a Valid manifest`, async () => {
      const input = await sharp(await photoLike(1600, 1200, 7))
        .toFormat(format)
        .toBuffer();
      const out = await label(input, {}, ctx);
      const code = out.record.iscc!;
      expect(decodeUnit(code)).toMatchObject({ mainType: 2, subType: 1, version: 0, bits: 64 });

      const { state, assertions } = await activeAssertions(out.bytes, out.mimeType);
      expect(state).toBe('Valid');
      const binding = assertions.find((a) => a.label === 'c2pa.soft-binding');
      expect(binding?.data.alg).toBe('io.iscc.v0');
      expect(binding?.data.blocks).toEqual([{ scope: {}, value: code }]);

      // Computed from the composed pixels: a third party decoding the output gets (nearly) the same code.
      const decoded = await imageIsccOf(out.bytes, 120_000_000);
      expect(codeDistance(decoded.iscc, code)).toBeLessThanOrEqual(4);

      const report = await verify(out.bytes, {}, ctx);
      expect(report.c2pa.state).toBe('valid');
      expect(report.c2pa.softBinding).toEqual({ alg: 'io.iscc.v0', value: code });
      expect(schemaErrors(report, schema)).toEqual([]);
    });
  }

  it('the bound code is of the labelled picture, not of the input: the mark changes it where it covers a big share', async () => {
    const input = await sharp({ create: { width: 240, height: 160, channels: 3, background: '#336699' } })
      .jpeg()
      .toBuffer();
    const out = await label(input, {}, ctx);
    const plain = await imageIsccOf(input, 120_000_000);
    expect(plain.iscc).toBe('ISCC:EEAYAAAAAAAAAAAA'); // a flat picture: only the DC term is above the median
    expect(out.record.iscc).not.toBe(plain.iscc);
  });
});

describe('texts', () => {
  const cases: [string, string, string][] = [
    ['txt', 'text/plain', kazakhText(400, 3)],
    ['md', 'text/markdown', kazakhMarkdown(400, 4)],
    [
      'html',
      'text/html',
      `<!doctype html><html><head><title>Жаңалық</title></head><body><p>${kazakhText(400, 5).split('\n\n').join('</p>\n<p>')}</p></body></html>`,
    ],
  ];
  for (const [format, mime, text] of cases) {
    it(`a labelled .${format} carries the ISCC Text-Code of what its reader sees, and verify reports it`, async () => {
      const out = await label(Buffer.from(text), { textFormat: format as never }, ctx);
      const code = out.record.iscc!;
      expect(decodeUnit(code)).toMatchObject({ mainType: 2, subType: 0, bits: 64 });
      // Anyone with the labelled file computes the same code: carriers cut, markup removed.
      expect(textFileCode(out.bytes).iscc).toBe(code);
      const report = await verify(out.bytes, { textFormat: format as never }, ctx);
      expect(report.c2pa.state).toBe('valid');
      expect(report.mimeType).toBe(mime);
      expect(report.c2pa.softBinding).toEqual({ alg: 'io.iscc.v0', value: code });
      expect(schemaErrors(report, schema)).toEqual([]);
    });
  }
});
