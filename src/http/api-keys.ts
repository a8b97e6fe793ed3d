/**
 * API keys: named secrets from API_KEYS (`name:secret[:role],...`) or, when none is configured,
 * a key created on first start and kept only as a SHA-256 hash under DATA_DIR. Secrets are
 * long random strings, so a plain SHA-256 is enough at rest and cheap per request.
 * Roles (src/domain/review.ts): labeller (the default, so keys set before roles keep working),
 * editor, admin; the key created on first start is the operator's, admin.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { LabellerError } from '../domain/errors.js';
import { isRole, type Role } from '../domain/review.js';

export interface KeyEntry {
  name: string;
  /** SHA-256 of the secret, hex. */
  sha256: string;
  role?: Role;
}

export interface KeyStore {
  /** The key's name when the secret matches one, else undefined. Constant time per key. */
  match(secret: string): string | undefined;
  /** The role of a key by its name (labeller when none was given). */
  roleOf?(name: string): Role;
  readonly size: number;
}

export const KEY_FILE = 'api-keys.json';

function hash(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

export function createKeyStore(entries: KeyEntry[]): KeyStore {
  const hashes = entries.map((e) => ({ name: e.name, digest: Buffer.from(e.sha256, 'hex') }));
  const roles = new Map(entries.map((e) => [e.name, e.role ?? 'labeller'] as const));
  return {
    size: hashes.length,
    roleOf: (name) => roles.get(name) ?? 'labeller',
    match(secret: string) {
      const d = hash(secret);
      let found: string | undefined;
      // Compare against every key, so timing does not tell which key (or how many) exist.
      for (const h of hashes) if (h.digest.length === d.length && timingSafeEqual(h.digest, d) && !found) found = h.name;
      return found;
    },
  };
}

function isKeyEntry(e: unknown): e is KeyEntry {
  if (typeof e !== 'object' || e === null) return false;
  const { name, sha256, role } = e as Record<string, unknown>;
  return (
    typeof name === 'string' &&
    /^[\w.-]{1,64}$/.test(name) &&
    typeof sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(sha256) &&
    (role === undefined || (typeof role === 'string' && isRole(role)))
  );
}

export function parseApiKeys(spec: string): KeyEntry[] {
  return spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((pair) => {
      const i = pair.indexOf(':');
      const name = i > 0 ? pair.slice(0, i).trim() : '';
      let secret = i > 0 ? pair.slice(i + 1).trim() : '';
      let role: Role | undefined;
      // A trailing `:word` is the role (secrets are long random strings; a word is not one).
      const j = secret.lastIndexOf(':');
      const tail =
        j >= 0
          ? secret
              .slice(j + 1)
              .trim()
              .toLowerCase()
          : '';
      if (j >= 16 && /^[a-z]{3,12}$/.test(tail)) {
        if (!isRole(tail))
          throw new LabellerError('bad_config', `Invalid configuration: API_KEYS key "${name}" has the role "${tail}"; roles are labeller, editor and admin`);
        role = tail;
        secret = secret.slice(0, j).trim();
      }
      if (!/^[\w.-]{1,64}$/.test(name) || secret.length < 16) {
        throw new LabellerError(
          'bad_config',
          'Invalid configuration: API_KEYS entries must be name:secret or name:secret:role, the name letters/digits/._- and the secret at least 16 characters',
        );
      }
      return { name, sha256: hash(secret).toString('hex'), ...(role ? { role } : {}) };
    });
}

/**
 * Keys from configuration, else the stored file, else a new key: created, stored hashed
 * (mode 0600) and handed back once so the caller can print it. A setting or file that yields
 * no usable key stops the start with a message naming it: the service never runs keyless.
 */
export function loadKeys(apiKeys: string | undefined, dataDir: string): { store: KeyStore; created?: { name: string; secret: string; file: string } } {
  if (apiKeys?.trim()) {
    const entries = parseApiKeys(apiKeys);
    if (!entries.length)
      throw new LabellerError('bad_config', 'Invalid configuration: API_KEYS is set but holds no key (expected name:secret,...); unset it to have one created');
    return { store: createKeyStore(entries) };
  }
  const file = path.join(dataDir, KEY_FILE);
  if (fs.existsSync(file)) {
    let entries: unknown;
    try {
      entries = (JSON.parse(fs.readFileSync(file, 'utf8')) as { keys?: unknown } | null)?.keys;
    } catch (err) {
      throw new LabellerError('bad_config', `${file} cannot be read (${(err as Error).message}); remove it to create a new key`);
    }
    if (!Array.isArray(entries) || !entries.every(isKeyEntry))
      throw new LabellerError('bad_config', `${file} cannot be read (unexpected content); remove it to create a new key`);
    if (!entries.length) throw new LabellerError('bad_config', `${file} holds no key; remove it to create a new key, or set API_KEYS`);
    // The key a start created before roles existed is the operator's: admin, as a new one would be.
    return { store: createKeyStore(entries.map((e) => (e.role || e.name !== 'admin' ? e : { ...e, role: 'admin' as const }))) };
  }
  const secret = `lbl_${randomBytes(24).toString('base64url')}`;
  const entry: KeyEntry = { name: 'admin', sha256: hash(secret).toString('hex'), role: 'admin' };
  fs.mkdirSync(dataDir, { recursive: true });
  // wx: two processes starting at once must not overwrite each other's key.
  fs.writeFileSync(file, JSON.stringify({ note: 'SHA-256 hashes of API keys; the secrets are not stored', keys: [entry] }, null, 2) + '\n', {
    mode: 0o600,
    flag: 'wx',
  });
  return { store: createKeyStore([entry]), created: { name: entry.name, secret, file } };
}

/** Where keys shared by several instances live (the record on PostgreSQL: registry/pg-keys.ts). */
export interface SharedKeySource {
  sharedKeys(first: { name: string; sha256: string; role: string }): Promise<{ keys: { name: string; sha256: string; role: string }[]; created: boolean }>;
}

/**
 * loadKeys for instances sharing one record: configured keys as always; else the keys stored
 * (hashed) in the shared database, the first instance to start creating the operator's key.
 */
export async function loadSharedKeys(
  apiKeys: string | undefined,
  source: SharedKeySource,
): Promise<{ store: KeyStore; created?: { name: string; secret: string; file: string } }> {
  if (apiKeys?.trim()) return loadKeys(apiKeys, '');
  const secret = `lbl_${randomBytes(24).toString('base64url')}`;
  const first = { name: 'admin', sha256: hash(secret).toString('hex'), role: 'admin' };
  const { keys, created } = await source.sharedKeys(first);
  const entries = (keys as unknown[]).filter(isKeyEntry);
  if (!entries.length) throw new LabellerError('bad_config', 'the shared database holds no usable API key; set API_KEYS');
  return { store: createKeyStore(entries), ...(created ? { created: { name: first.name, secret, file: 'the shared database (table api_keys)' } } : {}) };
}
