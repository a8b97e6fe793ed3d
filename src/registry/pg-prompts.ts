/** The prompts table on PostgreSQL: the same rules as prompts.ts (outside the chain, erasable). */
import { type EraseOutcome, promptHash, type SealedPrompt, type StoredPrompt } from './prompts.js';
import type { PgDb, PgQuery } from './postgres.js';
import { retentionCutoff } from './store.js';

const ERASE = 'UPDATE prompts SET salt = NULL, prompt = NULL, prompt_writer = NULL, erased_at = $1';

/** Inside the row's own write transaction. */
export async function insertPrompt(tx: PgQuery, recordId: string, time: string, p: SealedPrompt): Promise<void> {
  await tx.query('INSERT INTO prompts (record_id, time, salt, prompt, prompt_writer) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (record_id) DO NOTHING', [
    recordId,
    time,
    p.salt,
    p.text,
    p.writer ?? null,
  ]);
}

export async function promptOf(q: PgQuery, recordId: string): Promise<StoredPrompt | undefined> {
  const [row] = await q.query<{ prompt: string | null; prompt_writer: string | null; erased_at: string | null }>(
    'SELECT prompt, prompt_writer, erased_at FROM prompts WHERE record_id = $1',
    [recordId],
  );
  if (!row) return undefined;
  if (row.erased_at || row.prompt === null) return { erasedAt: row.erased_at ?? '' };
  return { text: row.prompt, ...(row.prompt_writer ? { writer: row.prompt_writer } : {}) };
}

export function erasePrompt(db: PgDb, recordId: string, now: Date): Promise<EraseOutcome> {
  return db.transaction(async (tx): Promise<EraseOutcome> => {
    if (!(await tx.query("SELECT 1 FROM records WHERE id = $1 AND type = 'label'", [recordId])).length) return 'no-record';
    const [row] = await tx.query<{ erased_at: string | null }>('SELECT erased_at FROM prompts WHERE record_id = $1 FOR UPDATE', [recordId]);
    if (!row) return 'no-prompt';
    if (row.erased_at) return 'already-erased';
    await tx.query(`${ERASE} WHERE record_id = $2`, [now.toISOString(), recordId]);
    return 'erased';
  });
}

/** PROMPT_RETENTION_DAYS: erases prompts of labellings older than the cutoff; returns how many. */
export async function expirePrompts(db: PgDb, days: number, now: Date): Promise<number> {
  if (!days || days <= 0) return 0;
  return (await db.query(`${ERASE} WHERE time < $2 AND erased_at IS NULL RETURNING 1`, [now.toISOString(), retentionCutoff(days, now)])).length;
}

/** Ids of label rows whose kept prompt no longer matches the salted hash the chain covers (as prompts.ts `mismatches`), read in pages. */
export async function promptMismatches(q: PgQuery, page = 5000): Promise<string[]> {
  const out: string[] = [];
  for (let after = 0; out.length < 1000; ) {
    const rows = await q.query<{ seq: string; record_id: string; salt: string; prompt: string; prompt_writer: string | null; data: string }>(
      'SELECT r.seq, p.record_id, p.salt, p.prompt, p.prompt_writer, r.data FROM prompts p JOIN records r ON r.id = p.record_id WHERE p.prompt IS NOT NULL AND r.seq > $1 ORDER BY r.seq LIMIT $2',
      [after, page],
    );
    for (const r of rows)
      if ((JSON.parse(r.data) as { promptHash?: string }).promptHash !== promptHash(r.salt, r.prompt, r.prompt_writer ?? undefined)) out.push(r.record_id);
    if (rows.length < page) break;
    after = Number(rows[rows.length - 1].seq);
  }
  return out.slice(0, 1000);
}
