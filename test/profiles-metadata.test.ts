/**
 * Each profile's machine-readable layers, read back by ExifTool (XMP) and c2pa-node (the
 * signed manifest): eu IPTC DigitalSourceType + a signed manifest (time-stamped only with a
 * TSA); cn TC260:AIGC filled from the organisation and the output's id, with the propagator
 * when a platform passes the content on; us-ca the California latent disclosure in both.
 */
import { Reader } from '@contentauth/c2pa-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { label } from '../src/core/label.js';
import type { CoreContext, LabelResult } from '../src/core/types.js';
import { endExiftool, readTags } from '../src/provenance/exiftool.js';
import { LATENT_ASSERTION, TC260_ASSERTION } from '../src/provenance/manifest.js';
import { DST_BASE } from '../src/provenance/xmp.js';
import { fixture, testContext } from './helpers/context.js';

let ctx: CoreContext;
beforeAll(async () => {
  ctx = await testContext({ ORGANISATION: 'Qazaq Daily' });
});
afterAll(endExiftool);

const AI = { aiSystem: 'Midjourney', aiSystemVersion: '7' };
type Assertion = { label: string; data: Record<string, unknown> };

async function manifestOf(r: LabelResult): Promise<{ state: string; assertions: Assertion[]; signature: Record<string, unknown> }> {
  const reader = await Reader.fromAsset({ buffer: r.bytes, mimeType: r.mimeType }, { verify: { remote_manifest_fetch: false } } as never);
  const store = reader!.json() as unknown as { validation_state: string };
  const active = reader!.getActive() as unknown as { assertions: Assertion[]; signature_info: Record<string, unknown> };
  return { state: store.validation_state, assertions: active.assertions, signature: active.signature_info };
}

const image = () => fixture('images', 'white.jpg');

describe('eu', () => {
  it('IPTC DigitalSourceType in XMP and a signed manifest declaring it; no time-stamp without a TSA', async () => {
    const r = await label(image(), { ...AI, profile: 'eu' }, ctx);
    const t = await readTags(r.bytes, r.ext);
    expect(t.DigitalSourceType).toBe(`${DST_BASE}trainedAlgorithmicMedia`);
    const m = await manifestOf(r);
    expect(m.state).toBe('Valid');
    const actions = m.assertions.find((a) => a.label.startsWith('c2pa.actions'))!.data.actions as { digitalSourceType?: string }[];
    expect(actions.some((a) => a.digitalSourceType === `${DST_BASE}trainedAlgorithmicMedia`)).toBe(true);
    // The development identity signs without TSA_URL: no RFC 3161 time in the signature (verify notes it).
    expect(m.signature.time).toBeUndefined();
    expect(m.assertions.some((a) => a.label === TC260_ASSERTION || a.label === LATENT_ASSERTION)).toBe(false);
  });
});

describe('cn', () => {
  it('TC260:AIGC in XMP: Label 1, ContentProducer = the organisation, ProduceID = the output instance id; signed in the manifest too', async () => {
    const r = await label(image(), { ...AI, profile: 'cn' }, ctx);
    const t = await readTags(r.bytes, r.ext);
    const aigc = JSON.parse(String(t.Aigc));
    expect(aigc).toEqual({
      Label: '1',
      ContentProducer: 'Qazaq Daily',
      ProduceID: r.record.instanceId,
      ReservedCode1: '',
      ContentPropagator: '',
      PropagateID: '',
      ReservedCode2: '',
    });
    const m = await manifestOf(r);
    expect(m.assertions.find((a) => a.label === TC260_ASSERTION)?.data).toEqual({ AIGC: aigc });
  });

  it('--propagator: the platform passing it on is ContentPropagator, with this output as PropagateID', async () => {
    const r = await label(image(), { ...AI, profile: 'cn', propagator: 'Steppe Wire' }, ctx);
    const aigc = JSON.parse(String((await readTags(r.bytes, r.ext)).Aigc));
    expect(aigc.ContentPropagator).toBe('Steppe Wire');
    expect(aigc.PropagateID).toBe(r.record.instanceId);
  });

  it('a platform passing on a file that names its producer keeps that producer and adds itself as the propagator', async () => {
    const made = await label(image(), { ...AI, profile: 'cn' }, ctx);
    const platform = await testContext({ ORGANISATION: 'Steppe Wire' });
    const passed = await label(made.bytes, { profile: 'cn', propagator: 'Steppe Wire' }, platform);
    const aigc = JSON.parse(String((await readTags(passed.bytes, passed.ext)).Aigc));
    expect(aigc).toMatchObject({
      Label: '1',
      ContentProducer: 'Qazaq Daily',
      ProduceID: made.record.instanceId,
      ContentPropagator: 'Steppe Wire',
      PropagateID: passed.record.instanceId,
    });
    // Without --propagator the platform labels as the producer itself.
    const own = await label(made.bytes, { profile: 'cn' }, platform);
    expect(JSON.parse(String((await readTags(own.bytes, own.ext)).Aigc))).toMatchObject({ ContentProducer: 'Steppe Wire', ProduceID: own.record.instanceId });
  });

  it('texts carry the implicit label in their signed manifest', async () => {
    const r = await label(Buffer.from('Жаңалық мәтіні.\n'), { profile: 'cn', textFormat: 'txt' }, ctx);
    const { verify } = await import('../src/core/verify.js');
    const report = await verify(r.bytes, {}, ctx);
    expect(report.c2pa.aigc).toMatchObject({ Label: '1', ContentProducer: 'Qazaq Daily', ProduceID: r.record.instanceId });
  });
});

describe('us-ca', () => {
  it('the latent disclosure (provider, system, version, time, unique id) in XMP and in a signed assertion', async () => {
    const before = Date.now();
    const r = await label(image(), { ...AI, profile: 'us-ca' }, ctx);
    const t = await readTags(r.bytes, r.ext);
    expect(t.Provider).toBe('Qazaq Daily');
    expect(t.SystemName).toBe('Midjourney');
    expect(String(t.SystemVersion)).toBe('7');
    // ExifTool shows the ISO time as an EXIF-style date: 2026:11:27 15:07:22.165Z.
    const createdAt = String(t.CreatedAt).replace(/^(\d{4}):(\d\d):(\d\d) /, '$1-$2-$3T');
    expect(Date.parse(createdAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(t.UniqueIdentifier).toBe(r.record.instanceId);
    const m = await manifestOf(r);
    expect(m.state).toBe('Valid');
    expect(m.assertions.find((a) => a.label === LATENT_ASSERTION)?.data).toMatchObject({
      provider: 'Qazaq Daily',
      system: 'Midjourney',
      systemVersion: '7',
      createdAt,
      identifier: r.record.instanceId,
    });
  });

  it('refuses to label without the AI system and its version, naming both options', async () => {
    await expect(label(image(), { profile: 'us-ca', aiSystem: 'Midjourney' }, ctx)).rejects.toMatchObject({
      code: 'bad_option',
      message: expect.stringContaining('--ai-system-version'),
    });
  });
});

describe('kz stays as it was', () => {
  it('no latent namespace, an empty propagator, no profile assertions', async () => {
    const r = await label(image(), AI, ctx);
    const t = await readTags(r.bytes, r.ext);
    expect(t.Provider).toBeUndefined();
    expect(JSON.parse(String(t.Aigc)).ContentPropagator).toBe('');
    const m = await manifestOf(r);
    expect(m.assertions.map((a) => a.label)).not.toContain(TC260_ASSERTION);
    expect(m.assertions.map((a) => a.label)).not.toContain(LATENT_ASSERTION);
  });

  it('a propagator is refused outside cn', async () => {
    await expect(label(image(), { ...AI, propagator: 'Steppe Wire' }, ctx)).rejects.toMatchObject({ code: 'bad_option' });
  });
});
