/**
 * Builds the CoreContext every door hands the core: configuration, the signing identity
 * and, when available, the provenance record. Loaded once per process.
 */
import fs from 'node:fs';
import { loadConfig, type Config } from '../config.js';
import { LabellerError } from '../errors.js';
import { loadSigningIdentity } from '../provenance/signer.js';
import type { CoreContext } from './types.js';

export async function createContext(opts: { config?: Config; warn?: (msg: string) => void } = {}): Promise<CoreContext> {
  const config = opts.config ?? loadConfig();
  fs.mkdirSync(config.dataDir, { recursive: true });
  const identity = await loadSigningIdentity(config, opts.warn);
  return { config, identity, trustAnchorsPem: readAnchors(config.trustAnchors) };
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
