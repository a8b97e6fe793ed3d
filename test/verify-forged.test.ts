/**
 * Issue 10, item 6: our `kz.labeller.visible-warning` assertion is believed only from our own
 * signing certificate or a trusted signer. A manifest signed with the public c2pa-rs test key
 * (or with another key under our organisation's name) that copies the assertion in is valid
 * but earns no compliance; with the test roots as trust anchors it counts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { LocalSigner } from '@contentauth/c2pa-node';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { label } from '../src/core/label.js';
import { MARK_ASSERTION } from '../src/provenance/manifest.js';
import type { CoreContext } from '../src/core/types.js';
import { verify } from '../src/core/verify.js';
import { signAsset } from '../src/provenance/c2pa.js';
import { generateDevIdentity } from '../src/provenance/dev-identity.js';
import { C2PA_RS, TEST_ROOTS, schemaErrors, tempContext } from './helpers/verify-kit.js';

const TRUST = path.join(C2PA_RS, 'trust');
const schema = JSON.parse(fs.readFileSync('schema/verify-report.schema.json', 'utf8'));
const roots = fs.readFileSync(TEST_ROOTS, 'utf8');
let ctx: CoreContext;
let camera: Buffer;

/** A context that signs with someone else's key: what a forger has. */
function foreign(signer: LocalSigner): CoreContext {
  return { ...ctx, identity: { signer, development: false, organisation: ctx.identity.organisation } };
}

const testKeySigner = () => LocalSigner.newSigner(fs.readFileSync(path.join(TRUST, 'es256.pub')), fs.readFileSync(path.join(TRUST, 'es256.pem')), 'es256');

beforeAll(async () => {
  ({ ctx } = await tempContext());
  camera = await sharp({ create: { width: 96, height: 64, channels: 3, background: '#558844' } })
    .jpeg()
    .toBuffer();
});

/** A plain camera photo, signed with the c2pa-rs test key, claiming our visible warning with our organisation's name. */
async function forgedCameraPhoto(): Promise<Buffer> {
  const manifest = {
    claim_generator_info: [{ name: 'camera', version: '1' }],
    title: 'photo.jpg',
    format: 'image/jpeg',
    assertions: [
      {
        label: 'c2pa.actions',
        data: { actions: [{ action: 'c2pa.created', digitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture' }] },
      },
      {
        label: MARK_ASSERTION,
        data: { wording: { kk: 'ЖИ көмегімен жасалған' }, languages: ['kk'], region: { x: 0, y: 0, width: 10, height: 10 }, signer: ctx.identity.organisation },
      },
    ],
  };
  return (await signAsset({ bytes: camera, mimeType: 'image/jpeg', signer: testKeySigner(), manifest })).bytes;
}

describe('verify: the visible-warning claim needs our certificate or a trusted signer', () => {
  it('a camera photo signed with the public c2pa-rs test key and claiming our assertion is valid but not compliant', async () => {
    const r = await verify(await forgedCameraPhoto(), {}, ctx);
    expect(schemaErrors(r, schema)).toEqual([]);
    expect(r.c2pa.state).toBe('valid');
    expect(r.c2pa.visibleWarning?.signer).toBe('untrusted');
    // The claim is not believed, and the pixels (read by OCR) hold no warning.
    expect(r.compliance.visibleWarning).toBe(false);
    expect(r.compliance.compliant).toBe(false);
    expect(r.signals.find((s) => s.source === 'c2pa-visible-warning')).toMatchObject({ label: false });
    expect(r.summary.en).toContain('signer we do not trust');
    expect(r.summary.ru).toContain('не доверяем');
    expect(r.summary.kk).toContain('сенбейтін');
  });

  it('the same file with the c2pa-rs test roots as trust anchors: trusted, so the claim counts', async () => {
    const r = await verify(await forgedCameraPhoto(), { trustAnchorsPem: roots }, ctx);
    expect(r.c2pa.state).toBe('trusted');
    expect(r.c2pa.visibleWarning?.signer).toBe('trusted');
    expect(r.compliance.visibleWarning).toBe(true);
    expect(r.compliance.compliant).toBe(true);
    expect(r.summary.en).not.toContain('signer we do not trust');
  });

  it('our own labelled output (development identity, untrusted) is compliant: the certificate is ours', async () => {
    const out = await label(camera, {}, ctx);
    const r = await verify(out.bytes, {}, ctx);
    expect(r.c2pa.state).toBe('valid');
    expect(r.c2pa.visibleWarning?.signer).toBe('own');
    expect(r.compliance).toEqual({ machineReadable: true, visibleWarning: true, compliant: true });
  });

  it('a labeller run with another key under our organisation name is not believed', async () => {
    const other = await generateDevIdentity(ctx.identity.organisation);
    const forger = foreign(LocalSigner.newSigner(Buffer.from(other.chainPem), Buffer.from(other.keyPem), 'es256'));
    const out = await label(camera, {}, forger);
    const r = await verify(out.bytes, {}, ctx);
    expect(r.c2pa.state).toBe('valid');
    expect(r.c2pa.signer?.organisation ?? r.c2pa.signer?.commonName).toBeTruthy();
    expect(r.c2pa.visibleWarning?.signer).toBe('untrusted');
    expect(r.compliance.compliant).toBe(false);
    // ...and that forger's own verifier (its certificate) believes it: the rule is the certificate, not the name.
    const theirs = await verify(
      out.bytes,
      {},
      { ...ctx, identity: { ...forger.identity, certPem: other.chainPem.slice(0, other.chainPem.indexOf('-----END CERTIFICATE-----') + 25) } },
    );
    expect(theirs.c2pa.visibleWarning?.signer).toBe('own');
  });

  it('a text labelled with custom wording by the c2pa-rs test key: the recorded wording is not taken on its word', async () => {
    const text = Buffer.from('A story written by a model.\n\nSecond paragraph.\n', 'utf8');
    const out = await label(text, { wording: { kk: 'Бұл бөлімді машина жазды', ru: 'Раздел от машины' } }, foreign(testKeySigner()));
    const r = await verify(out.bytes, {}, ctx);
    expect(r.c2pa.state).toBe('valid');
    expect(r.c2pa.visibleWarning?.signer).toBe('untrusted');
    expect(r.compliance.visibleWarning).toBe(false);
    expect(r.compliance.compliant).toBe(false);
    expect(r.summary.en).toContain('signer we do not trust');
    const trusted = await verify(out.bytes, { trustAnchorsPem: roots }, ctx);
    expect(trusted.c2pa.visibleWarning?.signer).toBe('trusted');
    expect(trusted.compliance.compliant).toBe(true);
  });

  it('a text we labelled ourselves with custom wording stays compliant', async () => {
    const out = await label(Buffer.from('Plain words.\n', 'utf8'), { wording: { kk: 'Бұл бөлімді машина жазды', ru: 'Раздел от машины' } }, ctx);
    const r = await verify(out.bytes, {}, ctx);
    expect(r.c2pa.visibleWarning?.signer).toBe('own');
    expect(r.compliance.compliant).toBe(true);
  });
});
