/**
 * Builds the CoreContext every door hands the core: configuration, the signing identity
 * and, when available, the provenance record. Loaded once per process.
 */
import fs from 'node:fs';
import { loadConfig, type Config } from './config.js';
import { LabellerError } from './domain/errors.js';
import { loadSigningIdentity } from './provenance/signer.js';
import { openRecordStore } from './registry/index.js';
import { loadWatermarkKey } from './label/watermark/key.js';
import type { CoreContext } from './core/types.js';

/** `records: false` leaves the provenance record out (tests and tools that must not write one). */
export async function createContext(opts: { config?: Config; warn?: (msg: string) => void; records?: false } = {}): Promise<CoreContext> {
  const config = opts.config ?? loadConfig();
  fs.mkdirSync(config.dataDir, { recursive: true });
  // Instances sharing one record must sign as one: a development identity is made per DATA_DIR.
  if (config.databaseUrl && !config.signerCert)
    throw new LabellerError('bad_config', 'DATABASE_URL is set but no signing identity is: set SIGNER_CERT with SIGNER_KEY or SIGNER_MODULE');
  const identity = await loadSigningIdentity(config, opts.warn);
  const trustAnchorsPem = readAnchors(config.trustAnchors);
  const watermarkKey = loadWatermarkKey(config);
  return { config, identity, trustAnchorsPem, watermarkKey, records: opts.records === false ? undefined : await openRecordStore(config) };
}

export function readAnchors(file?: string): string | undefined {
  if (!file) return undefined;
  try {
    const pem = fs.readFileSync(file, 'utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error('no PEM certificate in it');
    return pem;
  } catch (err) {
    throw new LabellerError('bad_config', `trust anchors file ${file} cannot be used: ${(err as Error).message}`);
  }
}
