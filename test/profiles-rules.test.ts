/**
 * The profile tables as rules (src/domain/profiles): what each one asks for, row by row, and
 * how a profile is chosen: the option in every door's spelling, DEFAULT_PROFILE, the watch
 * folder's preset folders; and the CJK font the cn profile will not label without.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { label } from '../src/core/label.js';
import type { CoreContext } from '../src/core/types.js';
import { parseLabelOptions } from '../src/domain/label-fields.js';
import { type Evidence, judgeAll, PROFILES, variantOf } from '../src/domain/profiles/index.js';
import { cjkFont, findCjkFont } from '../src/label/font.js';
import { endExiftool } from '../src/provenance/exiftool.js';
import { startWatcher } from '../src/watch/index.js';
import { PRESETS } from '../src/watch/presets.js';
import { fixture, tempDir, testContext } from './helpers/context.js';

afterAll(endExiftool);

/** A file that every profile accepts: each row below takes one thing away. */
const FULL: Evidence = {
  kind: 'image',
  aiGenerated: true,
  tampered: false,
  kz: { machineReadable: true, visibleWarning: true, compliant: true },
  manifestIntact: true,
  timestamped: true,
  c2paAi: true,
  iptcAi: true,
  visible: true,
  visibleLanguages: ['zh', 'en'],
  euIcon: true,
  editorialReview: false,
  aigc: { Label: '1', ContentProducer: 'Qazaq Daily', ProduceID: 'xmp:iid:1' },
  latent: { provider: 'Qazaq Daily', system: 'Midjourney', systemVersion: '7', createdAt: '2026-11-27T10:00:00Z', identifier: 'xmp:iid:1' },
};

const missing = (e: Evidence) => Object.fromEntries(Object.entries(judgeAll(e)).map(([id, j]) => [id, j.missing.map((m) => m.item)]));

describe('what each profile asks for', () => {
  it('a file with every layer passes every profile, with no notes', () => {
    const all = judgeAll(FULL);
    for (const j of Object.values(all)) expect(j).toMatchObject({ compliant: true, missing: [] });
    expect(all.eu.notes).toEqual([]);
  });

  it.each([
    [
      'no visible warning read in the pixels',
      { visible: false, visibleLanguages: [], kz: { machineReadable: true, visibleWarning: false, compliant: false } },
      {
        kz: ['visible-warning'],
        eu: ['eu-visible-disclosure'],
        cn: ['cn-notice'],
        'us-ca': [],
      },
    ],
    [
      'the pixels not read and no believed claim',
      { visible: null, visibleLanguages: [], kz: { machineReadable: true, visibleWarning: null, compliant: false } },
      {
        kz: ['visible-warning-unverified'],
        eu: ['visible-warning-unverified'],
        cn: ['cn-notice-unverified'],
        'us-ca': [],
      },
    ],
    ['a warning in Kazakh only', { visibleLanguages: ['kk'] }, { kz: [], eu: [], cn: ['cn-notice'], 'us-ca': [] }],
    ['no IPTC DigitalSourceType', { iptcAi: false }, { kz: [], eu: ['iptc-digital-source-type'], cn: [], 'us-ca': [] }],
    [
      'no manifest at all',
      { manifestIntact: false, c2paAi: false, timestamped: false, latent: undefined },
      {
        kz: [],
        eu: ['signed-c2pa-ai'],
        cn: [],
        'us-ca': ['latent-disclosure'],
      },
    ],
    [
      'a TC260 label "4" without producer',
      { aigc: { Label: '4', ProduceID: 'x' } },
      { kz: [], eu: [], cn: ['tc260-label', 'tc260-content-producer'], 'us-ca': [] },
    ],
    [
      'a latent disclosure without version or time',
      { latent: { provider: 'P', system: 'S', identifier: 'i' } },
      {
        kz: [],
        eu: [],
        cn: [],
        'us-ca': ['latent-system-version', 'latent-time'],
      },
    ],
  ] as [string, Partial<Evidence>, Record<string, string[]>][])('%s', (_, change, expected) => {
    expect(missing({ ...FULL, ...change })).toEqual(expected);
  });

  it('eu, texts: an approved editorial review stands in for the disclosure (AI Act Art. 50(4)); images still need it', () => {
    const text: Evidence = { ...FULL, kind: 'text', iptcAi: false, visible: false, visibleLanguages: [] };
    expect(judgeAll(text).eu.compliant).toBe(false);
    expect(judgeAll({ ...text, editorialReview: true }).eu).toMatchObject({ compliant: true, missing: [] });
    expect(judgeAll({ ...FULL, visible: false, editorialReview: true }).eu.compliant).toBe(false);
  });

  it('eu: no time-stamp and no EU icon are notes, not failures', () => {
    const eu = judgeAll({ ...FULL, timestamped: false, euIcon: false }).eu;
    expect(eu.compliant).toBe(true);
    expect(eu.notes?.map((n) => n.item)).toEqual(['trusted-timestamp', 'eu-common-icon']);
  });

  it('eu: the icon variant follows the digital source type', () => {
    expect(variantOf('trainedAlgorithmicMedia')).toBe('fully-generated');
    expect(variantOf('algorithmicMedia')).toBe('fully-generated');
    expect(variantOf('compositeWithTrainedAlgorithmicMedia')).toBe('partially-modified');
    expect(variantOf('algorithmicallyEnhanced')).toBe('partially-modified');
    expect(PROFILES.eu.mark({ languages: ['kk'], sourceType: 'compositeSynthetic', custom: {} })).toMatchObject({
      wording: { kk: 'Ішінара ЖИ көмегімен жасалған' },
      badge: { acronym: 'ЖИ', variant: 'partially-modified' },
    });
  });

  it('every profile cites its source', () => {
    for (const p of Object.values(PROFILES)) expect(p.source.length).toBeGreaterThan(20);
  });
});

describe('choosing a profile', () => {
  let ctx: CoreContext;
  beforeAll(async () => {
    ctx = await testContext({ DEFAULT_PROFILE: 'eu' });
  });

  it("is one option in every door, refused with the door's own spelling", () => {
    expect(parseLabelOptions({ profile: 'us-ca', propagator: 'Steppe Wire' })).toEqual({ profile: 'us-ca', propagator: 'Steppe Wire' });
    expect(() => parseLabelOptions({ profile: 'de' }, 'cli')).toThrow('--profile: "de" is not one of kz, eu, cn, us-ca');
    expect(() => parseLabelOptions({ Profile: 'xx' })).toThrow('Profile: "xx" is not one of kz, eu, cn, us-ca');
  });

  it('DEFAULT_PROFILE picks it when a request names none; a bad one stops the start', async () => {
    const r = await label(fixture('images', 'white.jpg'), {}, ctx);
    expect(r.record.profile).toBe('eu');
    expect(r.record.wording).toEqual({ en: 'Fully generated by AI' });
    expect(loadConfig({ DATA_DIR: '/tmp/x' } as NodeJS.ProcessEnv).defaultProfile).toBe('kz');
    expect(() => loadConfig({ DATA_DIR: '/tmp/x', DEFAULT_PROFILE: 'mars' } as NodeJS.ProcessEnv)).toThrow(/DEFAULT_PROFILE/);
  });

  it('the watch folder has a preset folder per profile; a sidecar adds what us-ca needs', async () => {
    for (const id of ['kz', 'eu', 'cn', 'us-ca']) expect(PRESETS[id]).toEqual({ profile: id });
    const root = tempDir('watch-profiles-');
    const put = (rel: string, b: Buffer | string) => {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), b);
    };
    const jpeg = fixture('images', 'white.jpg');
    put('inbox/eu/a.jpg', jpeg);
    put('inbox/us-ca/b.jpg', jpeg);
    put('inbox/us-ca/b.jpg.json', JSON.stringify({ aiSystem: 'Midjourney', aiSystemVersion: '7' }));
    put('inbox/us-ca/c.jpg', jpeg); // no AI system: refused, as at every door
    const w = await startWatcher(root, ctx, { once: true, stabilityMs: 100 });
    await w.idle();
    await w.stop();
    const read = (rel: string) => JSON.parse(fs.readFileSync(path.join(root, rel), 'utf8'));
    expect(read('outbox/a.jpg.json')).toMatchObject({ profile: 'eu', wording: { en: 'Fully generated by AI' } });
    expect(read('outbox/b.jpg.json')).toMatchObject({ profile: 'us-ca', aiSystem: 'Midjourney' });
    expect(read('failed/c.jpg.error.json')).toMatchObject({ code: 'bad_option', reason: expect.stringContaining('aiSystemVersion') });
  });

  it('cn says which Debian package to install when no CJK font is there, rather than drawing empty boxes', () => {
    expect(findCjkFont([{ file: '/nonexistent/font.ttc', name: 'X', capHeightEm: 0.8 }])).toBeUndefined();
    expect(() => cjkFont([])).toThrow(/fonts-wqy-zenhei/);
  });
});
