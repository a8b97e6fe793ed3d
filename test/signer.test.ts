import { Reader } from '@contentauth/c2pa-node';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/startup.js';
import { label } from '../src/core/label.js';
import { endExiftool } from '../src/provenance/exiftool.js';
import { fixture, PEER_FIXTURES, tempDir } from './helpers/context.js';

afterAll(endExiftool);

const trust = (f: string) => path.join(PEER_FIXTURES, 'trust', f);
const anchors = () => fs.readFileSync(trust('test_cert_root_bundle.pem'), 'utf8');

async function stateOf(bytes: Buffer): Promise<{ state: string; issuer?: string }> {
  const reader = await Reader.fromAsset({ buffer: bytes, mimeType: 'image/jpeg' }, {
    verify: { remote_manifest_fetch: false },
    trust: { trust_anchors: anchors() },
  } as never);
  return { state: reader!.json().validation_state, issuer: reader!.getActive()?.signature_info?.issuer ?? undefined };
}

describe('signing identity', () => {
  it('signs with a configured PEM chain and key (Trusted once its root is an anchor), no development warning', async () => {
    const warnings: string[] = [];
    const config = loadConfig({
      DATA_DIR: tempDir(),
      SIGNER_CERT: trust('es256.pub'),
      SIGNER_KEY: trust('es256.pem'),
      ORGANISATION: 'Test Newsroom',
    } as NodeJS.ProcessEnv);
    const ctx = await createContext({ config, warn: (m) => warnings.push(m) });
    expect(ctx.identity.development).toBe(false);
    expect(warnings).toEqual([]);
    const r = await label(fixture('images', 'white.jpg'), {}, ctx);
    expect((await stateOf(r.bytes)).state).toBe('Trusted');
    expect(fs.existsSync(path.join(config.dataDir, 'identity'))).toBe(false);
  });

  it('signs through a KMS-style callback module that holds the key', async () => {
    const dir = tempDir();
    const mod = path.join(dir, 'kms.mjs');
    // Stands in for a KMS client: the key stays inside this module.
    fs.writeFileSync(
      mod,
      `import { createPrivateKey, sign as s } from 'node:crypto';
       import fs from 'node:fs';
       const key = createPrivateKey(fs.readFileSync(${JSON.stringify(trust('es256.pem'))}));
       export async function sign(data) { return s('sha256', data, { key, dsaEncoding: 'ieee-p1363' }); }`,
    );
    const config = loadConfig({ DATA_DIR: dir, SIGNER_CERT: trust('es256.pub'), SIGNER_MODULE: mod } as NodeJS.ProcessEnv);
    const ctx = await createContext({ config });
    const r = await label(fixture('images', 'white.jpg'), {}, ctx);
    expect((await stateOf(r.bytes)).state).toBe('Trusted');
  });

  it('creates one development identity and reuses it', async () => {
    const dataDir = tempDir();
    const config = loadConfig({ DATA_DIR: dataDir } as NodeJS.ProcessEnv);
    const warnings: string[] = [];
    const a = await createContext({ config, warn: (m) => warnings.push(m) });
    const key = fs.readFileSync(path.join(dataDir, 'identity/dev-signer-key.pem'));
    await createContext({ config });
    expect(fs.readFileSync(path.join(dataDir, 'identity/dev-signer-key.pem')).equals(key)).toBe(true);
    expect(a.identity.development).toBe(true);
    expect(warnings.join(' ')).toMatch(/UNTRUSTED/);
    expect(fs.statSync(path.join(dataDir, 'identity')).mode & 0o077).toBe(0);
  });

  it.each([
    [{ SIGNER_CERT: '/nonexistent.pem', SIGNER_KEY: '/nonexistent.key' }, /cannot be read/],
    [{ SIGNER_CERT: 'x.pem' }, /SIGNER_CERT needs SIGNER_KEY/],
    [{ PORT: 'eighty' }, /PORT/],
    [{ DEFAULT_LANGUAGES: 'kk,de' }, /DEFAULT_LANGUAGES/],
  ])('refuses bad configuration %j with a clear message', async (env, message) => {
    await expect(async () => createContext({ config: loadConfig({ DATA_DIR: tempDir(), ...env } as NodeJS.ProcessEnv) })).rejects.toThrow(message);
  });

  it('never puts key material in an error message', async () => {
    const config = loadConfig({ DATA_DIR: tempDir(), SIGNER_CERT: trust('es256.pem'), SIGNER_KEY: trust('es256.pub') } as NodeJS.ProcessEnv);
    const err = await createContext({ config }).then(
      () => null,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/could not be loaded/);
    expect(err?.message).not.toMatch(/BEGIN|PRIVATE/);
  });
});
