/**
 * The newsroom's signing identity: a configured PEM chain + key, or, when nothing is
 * configured, a development identity created once under DATA_DIR/identity (private files,
 * mode 0600). The key never leaves this module except into c2pa-node's signer.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type C2paSigner, callbackSigner as newCallbackSigner, localSigner } from './c2pa.js';
import type { Config } from '../config.js';
import { LabellerError } from '../domain/errors.js';

export interface SigningIdentity {
  signer: C2paSigner;
  /** True for the auto-created identity: its outputs verify as valid but untrusted. */
  development: boolean;
  organisation: string;
  /**
   * The signer's own certificate (PEM, the first of its chain): verify believes our visible-warning
   * assertion from this certificate, compared as a certificate, never by the organisation name.
   */
  certPem?: string;
  /** The development root CA (public), so an operator can add it as a trust anchor. */
  devRootPemPath?: string;
}

export const DEV_WARNING =
  'Using the DEVELOPMENT signing identity: labelled files will verify as "valid" but UNTRUSTED. ' +
  'Configure SIGNER_CERT and SIGNER_KEY with a real certificate before publishing (see README).';

export async function loadSigningIdentity(cfg: Config, warn: (msg: string) => void = () => {}): Promise<SigningIdentity> {
  if (cfg.signerCert && cfg.signerModule)
    return {
      signer: await callbackSigner(cfg),
      development: false,
      organisation: cfg.organisation,
      certPem: leafOf(readPrivate(cfg.signerCert, 'SIGNER_CERT')),
    };
  if (cfg.signerCert && cfg.signerKey) {
    const cert = readPrivate(cfg.signerCert, 'SIGNER_CERT');
    const key = readPrivate(cfg.signerKey, 'SIGNER_KEY');
    try {
      return { signer: localSigner(cert, key, cfg.signerAlg, cfg.tsaUrl), development: false, organisation: cfg.organisation, certPem: leafOf(cert) };
    } catch (err) {
      // The SDK's message can quote key material: say what is wrong without echoing it.
      throw new LabellerError('bad_config', `SIGNER_CERT/SIGNER_KEY could not be loaded as a ${cfg.signerAlg} identity`, { cause: err });
    }
  }
  const dir = path.join(cfg.dataDir, 'identity');
  const paths = { chain: path.join(dir, 'dev-signer-chain.pem'), key: path.join(dir, 'dev-signer-key.pem'), root: path.join(dir, 'dev-root-ca.pem') };
  if (!fs.existsSync(paths.key)) await createDevIdentity(dir, cfg.organisation);
  warn(DEV_WARNING);
  const chain = fs.readFileSync(paths.chain);
  const signer = localSigner(chain, fs.readFileSync(paths.key), 'es256');
  return { signer, development: true, organisation: cfg.organisation, certPem: leafOf(chain), devRootPemPath: paths.root };
}

/** A KMS/HSM signs through a module of the operator's: the private key never enters this process. */
async function callbackSigner(cfg: Config): Promise<C2paSigner> {
  // The SDK takes the PEM chain as it is in the file (signer first).
  const chain = readPrivate(cfg.signerCert!, 'SIGNER_CERT');
  if (!chain.includes('-----BEGIN CERTIFICATE-----')) throw new LabellerError('bad_config', 'SIGNER_CERT holds no PEM certificate');
  let sign: unknown;
  try {
    sign = (await import(pathToFileURL(path.resolve(cfg.signerModule!)).href)).sign;
  } catch (err) {
    throw new LabellerError('bad_config', `SIGNER_MODULE ${cfg.signerModule} cannot be loaded: ${(err as Error).message}`);
  }
  if (typeof sign !== 'function') throw new LabellerError('bad_config', `SIGNER_MODULE ${cfg.signerModule} must export a function sign(data)`);
  const fn = sign as (data: Buffer) => Promise<Buffer>;
  return newCallbackSigner(chain, cfg.signerAlg, async (data) => Buffer.from(await fn(data)), cfg.tsaUrl);
}

/** Written to a temporary folder and renamed into place, so racing first runs agree on one identity. */
async function createDevIdentity(dir: string, organisation: string): Promise<void> {
  // Loaded only on the first run: @peculiar/x509 and its decorators cost ~0.3 s at every start otherwise.
  const { generateDevIdentity } = await import('./dev-identity.js');
  const id = await generateDevIdentity(`${organisation}`);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const tmp = fs.mkdtempSync(path.join(path.dirname(dir), '.identity-'));
  fs.writeFileSync(path.join(tmp, 'dev-signer-key.pem'), id.keyPem, { mode: 0o600 });
  fs.writeFileSync(path.join(tmp, 'dev-signer-chain.pem'), id.chainPem, { mode: 0o644 });
  fs.writeFileSync(path.join(tmp, 'dev-root-ca.pem'), id.rootPem, { mode: 0o644 });
  fs.writeFileSync(
    path.join(tmp, 'README.txt'),
    'Development signing identity created automatically. NOT TRUSTED: configure SIGNER_CERT/SIGNER_KEY for production.\n',
  );
  fs.chmodSync(tmp, 0o700);
  try {
    fs.renameSync(tmp, dir);
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true }); // another process won the race
  }
}

/** The first certificate of a PEM chain (the signer's own). */
function leafOf(chain: Buffer | string): string | undefined {
  const pem = chain.toString();
  const start = pem.indexOf('-----BEGIN CERTIFICATE-----');
  const end = start < 0 ? -1 : pem.indexOf('-----END CERTIFICATE-----', start);
  return end < 0 ? undefined : pem.slice(start, end + '-----END CERTIFICATE-----'.length) + '\n';
}

function readPrivate(file: string, name: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch {
    throw new LabellerError('bad_config', `${name} file ${file} cannot be read`);
  }
}
