/**
 * Each detector on a real image that carries only its own trace: SD `parameters`, ComfyUI
 * `prompt`/`workflow`, IPTC DigitalSourceType, GB 45438 TC260:AIGC, a generator's C2PA.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LocalSigner } from '@contentauth/c2pa-node';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { VerifyReport } from '../src/domain/report.js';
import type { CoreContext } from '../src/core/types.js';
import { verify } from '../src/core/verify.js';
import { signAsset } from '../src/provenance/c2pa.js';
import { C2PA_RS, TEST_ROOTS, schemaErrors, tempContext, withPngText, xmpPacket } from './helpers/verify-kit.js';

const DST = 'http://cv.iptc.org/newscodes/digitalsourcetype/';
const schema = JSON.parse(fs.readFileSync('schema/verify-report.schema.json', 'utf8'));
let ctx: CoreContext;
let png: Buffer;
let jpeg: Buffer;

beforeAll(async () => {
  ({ ctx } = await tempContext());
  const base = sharp({ create: { width: 64, height: 48, channels: 3, background: '#336699' } });
  png = await base.clone().png().toBuffer();
  jpeg = await base.clone().jpeg().toBuffer();
});

async function check(bytes: Buffer): Promise<VerifyReport> {
  const r = await verify(bytes, {}, ctx);
  expect(schemaErrors(r, schema)).toEqual([]);
  return r;
}

describe('verify: one trace at a time', () => {
  it('a plain picture has no AI signal: aiGenerated null, not compliant', async () => {
    const r = await check(png);
    expect(r.aiGenerated).toBeNull();
    expect(r.signals).toEqual([]);
    expect(r.c2pa.state).toBe('absent');
    expect(r.compliance).toEqual({ machineReadable: false, visibleWarning: false, compliant: false });
  });

  it('Stable Diffusion web UI `parameters` chunk → AI, signal png-text, not compliant', async () => {
    const params = 'a red fox in snow\nNegative prompt: blurry\nSteps: 20, Sampler: DPM++ 2M, CFG scale: 7, Seed: 1, Size: 512x512, Model: sd_xl_base_1.0';
    const r = await check(withPngText(png, [{ keyword: 'parameters', text: params }]));
    expect(r.aiGenerated).toBe(true);
    expect(r.signals).toContainEqual(
      expect.objectContaining({ source: 'png-text', ai: true, generator: 'Stable Diffusion web UI', models: ['sd_xl_base_1.0'] }),
    );
    expect(r.compliance.compliant).toBe(false);
    expect(r.compliance.machineReadable).toBe(false);
    expect(r.summary.en).toContain('Label it before publishing');
  });

  it('ComfyUI `prompt` (zTXt) and `workflow` (iTXt) chunks → AI, signal png-text', async () => {
    const prompt = JSON.stringify({ '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'flux1-dev.safetensors' } } });
    const workflow = JSON.stringify({ nodes: [{ id: 4, type: 'CheckpointLoaderSimple' }], links: [] });
    const r = await check(
      withPngText(png, [
        { keyword: 'prompt', text: prompt, type: 'zTXt' },
        { keyword: 'workflow', text: workflow, type: 'iTXt' },
      ]),
    );
    expect(r.aiGenerated).toBe(true);
    expect(r.signals).toContainEqual(expect.objectContaining({ source: 'png-text', generator: 'ComfyUI', models: ['flux1-dev.safetensors'] }));
  });

  it('a `prompt` chunk that is not a ComfyUI graph is not a signal', async () => {
    const r = await check(withPngText(png, [{ keyword: 'prompt', text: 'just words' }]));
    expect(r.aiGenerated).toBeNull();
  });

  it('IPTC DigitalSourceType alone → AI, machine-readable, signal xmp-iptc', async () => {
    const xmp = xmpPacket(`<Iptc4xmpExt:DigitalSourceType>${DST}trainedAlgorithmicMedia</Iptc4xmpExt:DigitalSourceType>`, {
      Iptc4xmpExt: 'http://iptc.org/std/Iptc4xmpExt/2008-02-29/',
    });
    const r = await check(await sharp(jpeg).withXmp(xmp).jpeg().toBuffer());
    expect(r.aiGenerated).toBe(true);
    expect(r.signals).toContainEqual(expect.objectContaining({ source: 'xmp-iptc', ai: true, label: true }));
    expect(r.compliance).toEqual({ machineReadable: true, visibleWarning: false, compliant: false });
  });

  it('IPTC 2025.1 AISystemUsed in attribute form, with another prefix → AI, names the system', async () => {
    const xmp = xmpPacket('', { ipx: 'http://iptc.org/std/Iptc4xmpExt/2008-02-29/' }).replace(
      'rdf:about=""',
      'rdf:about="" ipx:AISystemUsed="Midjourney" ipx:AISystemVersionUsed="7"',
    );
    const r = await check(await sharp(png).withXmp(xmp).png().toBuffer());
    expect(r.signals).toContainEqual(expect.objectContaining({ source: 'xmp-iptc-ai', aiSystem: 'Midjourney', aiSystemVersion: '7', generator: 'Midjourney' }));
  });

  it('GB 45438 TC260:AIGC alone → AI, machine-readable, signal tc260', async () => {
    const aigc = JSON.stringify({ Label: '1', ContentProducer: 'Example Co', ProduceID: 'x1' }).replace(/"/g, '&quot;');
    const xmp = xmpPacket(`<TC260:AIGC>${aigc}</TC260:AIGC>`, { TC260: 'http://www.tc260.org.cn/ns/AIGC/1.0/' });
    const r = await check(await sharp(jpeg).withXmp(xmp).jpeg().toBuffer());
    expect(r.aiGenerated).toBe(true);
    expect(r.signals).toContainEqual(
      expect.objectContaining({ source: 'tc260', ai: true, label: true, aigc: expect.objectContaining({ ContentProducer: 'Example Co' }) }),
    );
  });

  it('EXIF Software naming a generator → AI; a camera EXIF alone → still unknown', async () => {
    const gen = await check(
      await sharp(jpeg)
        .withExif({ IFD0: { Software: 'Adobe Firefly' } })
        .jpeg()
        .toBuffer(),
    );
    expect(gen.signals).toContainEqual(expect.objectContaining({ source: 'exif-software', generator: 'Adobe Firefly' }));
    expect(gen.aiGenerated).toBe(true);
    const cam = await check(
      await sharp(jpeg)
        .withExif({ IFD0: { Make: 'Canon', Model: 'EOS R5' } })
        .jpeg()
        .toBuffer(),
    );
    expect(cam.signals).toContainEqual(expect.objectContaining({ source: 'exif-camera', ai: null }));
    expect(cam.aiGenerated).toBeNull();
  });

  it("a generator's C2PA (trainedAlgorithmicMedia) → AI, signal c2pa; trusted with the test roots", async () => {
    const signer = LocalSigner.newSigner(
      fs.readFileSync(path.join(C2PA_RS, 'trust/es256.pub')),
      fs.readFileSync(path.join(C2PA_RS, 'trust/es256.pem')),
      'es256',
    );
    const manifest = {
      claim_generator_info: [{ name: 'Example Image Generator', version: '2.0' }],
      title: 'generated.jpg',
      format: 'image/jpeg',
      assertions: [
        {
          label: 'c2pa.actions',
          data: { actions: [{ action: 'c2pa.created', digitalSourceType: `${DST}trainedAlgorithmicMedia`, softwareAgent: { name: 'Adobe Firefly' } }] },
        },
      ],
    };
    const signed = (await signAsset({ bytes: jpeg, mimeType: 'image/jpeg', signer, manifest })).bytes;
    const r = await check(signed);
    expect(r.c2pa.state).toBe('valid');
    expect(r.aiGenerated).toBe(true);
    expect(r.signals).toContainEqual(expect.objectContaining({ source: 'c2pa', ai: true, label: true, verified: true }));
    expect(r.signals).toContainEqual(expect.objectContaining({ source: 'c2pa-generator', generator: 'Adobe Firefly' }));
    expect(r.c2pa.actions?.[0]).toMatchObject({ action: 'c2pa.created', softwareAgent: 'Adobe Firefly' });
    // Machine-readable, but no visible warning is recorded: not yet compliant.
    expect(r.compliance).toEqual({ machineReadable: true, visibleWarning: false, compliant: false });
    const trusted = await verify(signed, { trustAnchorsPem: fs.readFileSync(TEST_ROOTS, 'utf8') }, ctx);
    expect(trusted.c2pa.state).toBe('trusted');
  });

  it('reports plain unlabelled text as carrying no provenance, and refuses unknown bytes with a clear error', async () => {
    const report = await verify(Buffer.from('hello world, plain text\n'), {}, ctx);
    expect(report).toMatchObject({ kind: 'text', aiGenerated: null, tampered: false, c2pa: { state: 'absent' }, compliance: { compliant: false } });
    await expect(verify(Buffer.from([0, 1, 2, 3, 0, 0, 0, 9]), {}, ctx)).rejects.toMatchObject({ code: 'unsupported_type' });
  });
});
