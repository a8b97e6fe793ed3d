/**
 * API keys shared by every instance of one record on PostgreSQL: the api_keys table holds
 * their SHA-256 hashes (never a secret). When none is configured, the first instance to start
 * creates the operator's key under an advisory lock; the others read the same one.
 */
import type { PgDb } from './postgres.js';

/** A key as stored: name, SHA-256 of the secret (hex), role. */
export interface SharedKeyRow {
  name: string;
  sha256: string;
  role: string;
}

const KEYS_LOCK = 0x6c61_6233;

/** Every stored key; `first` is stored when there is none yet (created: true then). */
export function sharedKeys(db: PgDb, first: SharedKeyRow, now: Date): Promise<{ keys: SharedKeyRow[]; created: boolean }> {
  return db.transaction(
    async (tx) => {
      const keys = await tx.query<SharedKeyRow>('SELECT name, sha256, role FROM api_keys ORDER BY name');
      if (keys.length) return { keys, created: false };
      await tx.query('INSERT INTO api_keys (name, sha256, role, created_at) VALUES ($1, $2, $3, $4)', [
        first.name,
        first.sha256,
        first.role,
        now.toISOString(),
      ]);
      return { keys: [first], created: true };
    },
    { lock: KEYS_LOCK },
  );
}
