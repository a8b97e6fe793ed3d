/**
 * The verify matrix: files labelled under each profile, judged against every profile.
 * `compliance` stays the Kazakh verdict and `profiles.kz` repeats it; what a profile misses
 * is named for machines (`item`) and in kk/ru/en.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { label } from '../src/core/label.js';
import type { CoreContext } from '../src/core/types.js';
import { verify } from '../src/core/verify.js';
import { PROFILE_IDS, type ProfileId } from '../src/domain/profiles/index.js';
import type { VerifyReport } from '../src/domain/report.js';
import { endExiftool } from '../src/provenance/exiftool.js';
import { FIXTURES, fixture, tempDir, testContext } from './helpers/context.js';
import { runCli, schemaErrors } from './helpers/verify-kit.js';

const schema = JSON.parse(fs.readFileSync('schema/verify-report.schema.json', 'utf8'));
const AI = { aiSystem: 'Midjourney', aiSystemVersion: '7' };

let ctx: CoreContext;
beforeAll(async () => {
  ctx = await testContext();
});
afterAll(endExiftool);

/** Labelled under (row) → judged by (column): true, or the items missing. */
type Row = Record<ProfileId, true | string[]>;

// Without a TSA the signature has no time: only our own us-ca assertion names the time of creation.
const IMAGES: Record<ProfileId, Row> = {
  kz: { kz: true, eu: true, cn: ['cn-notice'], 'us-ca': ['latent-time'] },
  eu: { kz: true, eu: true, cn: ['cn-notice'], 'us-ca': ['latent-time'] },
  cn: { kz: true, eu: true, cn: true, 'us-ca': ['latent-time'] },
  'us-ca': { kz: true, eu: true, cn: ['cn-notice'], 'us-ca': true },
};
// Texts have no XMP: the TC260 implicit label is signed into the manifest by the cn profile only.
const TEXTS: Record<ProfileId, Row> = {
  kz: { kz: true, eu: true, cn: ['cn-notice', 'tc260-aigc'], 'us-ca': ['latent-time'] },
  eu: { kz: true, eu: true, cn: ['cn-notice', 'tc260-aigc'], 'us-ca': ['latent-time'] },
  cn: { kz: true, eu: true, cn: true, 'us-ca': ['latent-time'] },
  'us-ca': { kz: true, eu: true, cn: ['cn-notice', 'tc260-aigc'], 'us-ca': true },
};

function verdicts(r: VerifyReport): Row {
  expect(schemaErrors(r, schema)).toEqual([]);
  const p = r.profiles!;
  // The contract: compliance is the Kazakh verdict, and the kz profile says the same.
  expect(p.kz.compliant).toBe(r.compliance.compliant);
  for (const id of PROFILE_IDS) {
    expect(p[id].compliant).toBe(p[id].missing.length === 0);
    for (const m of p[id].missing) for (const l of ['kk', 'ru', 'en'] as const) expect(m[l].length, `${id} ${m.item} ${l}`).toBeGreaterThan(3);
  }
  return Object.fromEntries(PROFILE_IDS.map((id) => [id, p[id].compliant || p[id].missing.map((m) => m.item)])) as Row;
}

describe.each(PROFILE_IDS)('an image labelled under %s', (under) => {
  it('is judged by every profile', async () => {
    const labelled = await label(fixture('images', 'white.jpg'), { ...AI, profile: under }, ctx);
    const report = await verify(labelled.bytes, {}, ctx);
    expect(verdicts(report)).toEqual(IMAGES[under]);
    if (under === 'eu') expect(report.profiles!.eu.notes?.map((n) => n.item)).toEqual(['trusted-timestamp']);
    if (under === 'kz') expect(report.profiles!.eu.notes?.map((n) => n.item)).toEqual(['trusted-timestamp', 'eu-common-icon']);
  });
});

describe.each(PROFILE_IDS)('a text labelled under %s', (under) => {
  it('is judged by every profile', async () => {
    const labelled = await label(Buffer.from('Алматыда жаңа саябақ ашылды.\n'), { ...AI, profile: under, textFormat: 'md' }, ctx);
    expect(verdicts(await verify(labelled.bytes, { textFormat: 'md' }, ctx))).toEqual(TEXTS[under]);
  });
});

describe('files no profile accepts', () => {
  it('an unlabelled picture misses every layer of every profile', async () => {
    const report = await verify(fixture('images', 'white.jpg'), {}, ctx);
    expect(verdicts(report)).toEqual({
      kz: ['machine-readable-label', 'visible-warning'],
      eu: ['signed-c2pa-ai', 'iptc-digital-source-type', 'eu-visible-disclosure'],
      cn: ['cn-notice', 'tc260-aigc'],
      'us-ca': ['latent-disclosure'],
    });
    expect(report.profiles!.cn.missing[0].ru).toBe('видимая надпись «人工智能生成»');
  });

  it('a labelled picture changed after signing is broken for every profile', async () => {
    const labelled = await label(fixture('images', 'white.jpg'), { ...AI, profile: 'cn' }, ctx);
    const bytes = Buffer.from(labelled.bytes);
    // A byte of the entropy-coded data near the end: the picture still decodes, the hash no longer holds.
    bytes[bytes.length - 200] ^= 0x01;
    const report = await verify(bytes, { ocr: false }, ctx);
    expect(report.tampered).toBe(true);
    for (const id of PROFILE_IDS) {
      expect(report.profiles![id].compliant).toBe(false);
      expect(report.profiles![id].missing.map((m) => m.item)).toContain('intact-manifest');
    }
  });
});

describe('the command line', () => {
  it("labels under a profile with its flags and prints every profile's verdict in the report language", async () => {
    const dir = tempDir('labeller-profiles-cli-');
    const out = path.join(dir, 'cn.jpg');
    const made = await runCli(['label', path.join(FIXTURES, 'images/white.jpg'), '-o', out, '--profile', 'cn', '--propagator', 'Steppe Wire', '--json'], dir);
    expect(made.code, made.stderr).toBe(0);
    expect(JSON.parse(made.stdout)).toMatchObject({ profile: 'cn', wording: { zh: '人工智能生成' } });
    const seen = await runCli(['verify', out, '--report-lang', 'kk'], dir);
    expect(seen.code, seen.stderr).toBe(0);
    expect(seen.stdout).toContain('Қытай (GB 45438-2025): орындалған');
    expect(seen.stdout).toContain('Калифорния (SB 942): орындалмаған (жетіспейді: ЖИ жүйесінің атауы; ЖИ жүйесінің нұсқасы; жасалған күні мен уақыты)');
    const bad = await runCli(['label', path.join(FIXTURES, 'images/white.jpg'), '-o', path.join(dir, 'x.jpg'), '--profile', 'de'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--profile: "de" is not one of kz, eu, cn, us-ca');
  });
});
