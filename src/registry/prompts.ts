/**
 * Prompts in the record, outside the hash chain. A prompt may name people, so it must be
 * erasable (a data subject's request, PROMPT_RETENTION_DAYS) while the record stays checkable:
 * the chained row carries only `promptHash` = SHA-256(salt, text, writer); the text, its writer
 * and the salt live in the `prompts` table (migration v6). Erasing deletes all three: the hash
 * then proves nothing about any guessed prompt (the salt is gone), and every row's own hash
 * and link are as they were, so `labeller records check` still passes.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { PromptText } from '../domain/personal-data.js';
import type { Db } from './database.js';

export interface SealedPrompt {
  salt: string;
  text: string;
  writer?: string;
  /** What the chain covers (in the row's data). */
  hash: string;
}

/** What the record says of a label's prompt: the text (until erased), or when it was erased. */
export type StoredPrompt = PromptText | { erasedAt: string };

export type EraseOutcome = 'erased' | 'already-erased' | 'no-prompt' | 'no-record';

export function promptHash(salt: string, text: string, writer?: string): string {
  return createHash('sha256')
    .update(`${salt}\u0000${text}\u0000${writer ?? ''}`)
    .digest('hex');
}

/** A fresh 128-bit salt per prompt: the same prompt labelled twice gets two unrelated hashes. */
export function sealPrompt(p: PromptText): SealedPrompt {
  const salt = randomBytes(16).toString('hex');
  return { salt, text: p.text, ...(p.writer ? { writer: p.writer } : {}), hash: promptHash(salt, p.text, p.writer) };
}

/** The SQLite side of the prompts table (the PostgreSQL store keeps the same table). */
export class SqlitePrompts {
  private readonly stmt;

  constructor(private readonly db: Db) {
    // Freed cells are overwritten, so an erased prompt does not linger in the file's free pages.
    db.pragma('secure_delete = ON');
    this.stmt = {
      insert: db.prepare('INSERT OR IGNORE INTO prompts (record_id, time, salt, prompt, prompt_writer) VALUES (?, ?, ?, ?, ?)'),
      get: db.prepare('SELECT prompt, prompt_writer, erased_at FROM prompts WHERE record_id = ?'),
      hasRecord: db.prepare("SELECT 1 FROM records WHERE id = ? AND type = 'label'"),
      erase: db.prepare('UPDATE prompts SET salt = NULL, prompt = NULL, prompt_writer = NULL, erased_at = ? WHERE record_id = ? AND erased_at IS NULL'),
      expire: db.prepare('UPDATE prompts SET salt = NULL, prompt = NULL, prompt_writer = NULL, erased_at = ? WHERE time < ? AND erased_at IS NULL'),
      kept: db.prepare('SELECT record_id, salt, prompt, prompt_writer FROM prompts WHERE erased_at IS NULL'),
    };
  }

  /** Called inside the row's own write transaction. */
  insert(recordId: string, time: string, p: SealedPrompt): void {
    this.stmt.insert.run(recordId, time, p.salt, p.text, p.writer ?? null);
  }

  get(recordId: string): StoredPrompt | undefined {
    const row = this.stmt.get.get(recordId) as { prompt: string | null; prompt_writer: string | null; erased_at: string | null } | undefined;
    if (!row) return undefined;
    if (row.erased_at || row.prompt === null) return { erasedAt: row.erased_at ?? '' };
    return { text: row.prompt, ...(row.prompt_writer ? { writer: row.prompt_writer } : {}) };
  }

  erase(recordId: string, now: Date): EraseOutcome {
    const outcome = this.db.transaction((): EraseOutcome => {
      if (!this.stmt.hasRecord.get(recordId)) return 'no-record';
      const before = this.get(recordId);
      if (!before) return 'no-prompt';
      if ('erasedAt' in before) return 'already-erased';
      this.stmt.erase.run(now.toISOString(), recordId);
      return 'erased';
    })();
    // Old page images in the write-ahead log would still hold the text: fold them in and empty it (best effort).
    if (outcome === 'erased') this.checkpoint();
    return outcome;
  }

  private checkpoint(): void {
    try {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // A reader holding the log open: the next checkpoint folds it in.
    }
  }

  /** PROMPT_RETENTION_DAYS: erases prompts of labellings older than the cutoff; returns how many. */
  expire(days: number, now: Date): number {
    if (!days || days <= 0) return 0;
    const cutoff = new Date(now.getTime() - days * 86_400_000).toISOString();
    const n = this.stmt.expire.run(now.toISOString(), cutoff).changes;
    if (n) this.checkpoint();
    return n;
  }

  /** Kept prompts whose text no longer matches the hash the chain covers (someone edited the table). */
  *mismatches(hashOf: (recordId: string) => string | undefined): IterableIterator<string> {
    for (const r of this.stmt.kept.iterate() as IterableIterator<{ record_id: string; salt: string; prompt: string; prompt_writer: string | null }>) {
      if (hashOf(r.record_id) !== promptHash(r.salt, r.prompt, r.prompt_writer ?? undefined)) yield r.record_id;
    }
  }
}
