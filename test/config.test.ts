/**
 * Configuration: every variable validated at start, a bad value named by the variable the
 * operator set, files and environment merged (environment wins), defaults as the README says.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { tempDir } from './helpers/context.js';

const env = (vars: Record<string, string>) => ({ DATA_DIR: tempDir('labeller-config-'), ...vars }) as NodeJS.ProcessEnv;
const refusal = (vars: Record<string, string>) => {
  try {
    loadConfig(env(vars));
  } catch (err) {
    return { code: (err as { code?: string }).code, message: (err as Error).message };
  }
  throw new Error('expected the configuration to be refused');
};

describe('configuration', () => {
  it('has the README defaults: loopback, kk+ru, JPEG 92, 50 MB, 120 MP, 4 jobs, verify open', () => {
    const c = loadConfig(env({}));
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      defaultLanguages: ['kk', 'ru'],
      jpegQuality: 92,
      maxUploadBytes: 50 * 1024 * 1024,
      maxPixels: 120_000_000,
      maxConcurrentJobs: 4,
      verifyRequiresKey: false,
    });
    expect(path.isAbsolute(c.dataDir)).toBe(true);
  });

  it.each([
    [{ PORT: '70000' }, 'PORT'],
    [{ JPEG_QUALITY: '500' }, 'JPEG_QUALITY'],
    [{ MAX_PIXELS: '-1' }, 'MAX_PIXELS'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ SIGNER_ALG: 'rsa1024' }, 'SIGNER_ALG'],
    [{ TSA_URL: 'not a url' }, 'TSA_URL'],
    [{ VERIFY_REQUIRES_KEY: 'maybe' }, 'VERIFY_REQUIRES_KEY'],
    [{ DEFAULT_LANGUAGES: 'kk,de' }, 'DEFAULT_LANGUAGES'],
    [{ RATE_LIMIT_PER_MINUTE: 'lots' }, 'RATE_LIMIT_PER_MINUTE'],
    [{ SIGNER_CERT: '/x/chain.pem' }, 'SIGNER_CERT'],
    [{ SIGNER_KEY: '/x/key.pem', SIGNER_MODULE: '/x/kms.mjs', SIGNER_CERT: '/x/c.pem' }, 'SIGNER_MODULE'],
  ])('%j is refused, naming %s', (vars, name) => {
    const r = refusal(vars);
    expect(r.code).toBe('bad_config');
    expect(r.message).toContain(name);
  });

  it('reads a JSON file named by LABELLER_CONFIG; the environment wins over it', () => {
    const dir = tempDir('labeller-config-file-');
    const file = path.join(dir, 'labeller.config.json');
    fs.writeFileSync(file, JSON.stringify({ jpegQuality: 80, organisation: 'Desk', defaultLanguages: ['kk', 'ru', 'en'] }));
    const c = loadConfig(env({ LABELLER_CONFIG: file, JPEG_QUALITY: '85' }));
    expect(c).toMatchObject({ jpegQuality: 85, organisation: 'Desk', defaultLanguages: ['kk', 'ru', 'en'] });
    fs.writeFileSync(file, '{ not json');
    expect(() => loadConfig(env({ LABELLER_CONFIG: file }))).toThrow(/config file/);
  });
});
