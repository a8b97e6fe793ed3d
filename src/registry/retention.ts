/**
 * Retention: removes rows older than RETENTION_DAYS (0 = keep forever).
 *
 * Only a prefix of the chain is removed (everything up to the last row before the cutoff), and
 * the hash of the last removed row is kept in chain_anchor: the first remaining row's prev_hash
 * must equal it, so the chain check still covers every row kept. The anchor row is the one thing
 * retention overwrites; whoever needs proof across retention periods keeps the exports and the
 * head hashes that `labeller records check` printed before.
 */
import type { SqliteRegistry } from './sqlite-registry.js';

export interface PruneResult {
  removed: number;
  throughSeq?: number;
}

export function pruneExpired(registry: SqliteRegistry, retentionDays: number, now = new Date()): PruneResult {
  if (!retentionDays || retentionDays <= 0) return { removed: 0 };
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000).toISOString();
  const { db } = registry;
  return db
    .transaction((): PruneResult => {
      // Stop before the first row that must be kept, so a clock step back never removes it.
      const firstKept = db.prepare('SELECT min(seq) AS s FROM records WHERE time >= ?').get(cutoff) as { s: number | null };
      const head = db.prepare('SELECT max(seq) AS s FROM records').get() as { s: number | null };
      if (head.s === null) return { removed: 0 };
      const through = firstKept.s === null ? head.s : firstKept.s - 1;
      const last = db.prepare('SELECT seq, hash FROM records WHERE seq <= ? ORDER BY seq DESC LIMIT 1').get(through) as
        | { seq: number; hash: string }
        | undefined;
      if (!last) return { removed: 0 };
      const before = registry.anchor();
      db.prepare('UPDATE retention_gate SET open = 1').run();
      db.prepare('DELETE FROM fingerprints WHERE record_seq <= ?').run(through);
      db.prepare('DELETE FROM iscc_codes WHERE record_seq <= ?').run(through);
      db.prepare('DELETE FROM prompts WHERE record_id IN (SELECT id FROM records WHERE seq <= ?)').run(through);
      const removed = db.prepare('DELETE FROM records WHERE seq <= ?').run(through).changes;
      db.prepare('UPDATE retention_gate SET open = 0').run();
      db.prepare(
        `INSERT INTO chain_anchor (id, through_seq, hash, pruned, at) VALUES (1, @seq, @hash, @pruned, @at)
         ON CONFLICT (id) DO UPDATE SET through_seq = @seq, hash = @hash, pruned = @pruned, at = @at`,
      ).run({ seq: last.seq, hash: last.hash, pruned: (before?.pruned ?? 0) + removed, at: now.toISOString() });
      return { removed, throughSeq: last.seq };
    })
    .immediate();
}
