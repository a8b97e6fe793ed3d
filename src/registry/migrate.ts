/**
 * `labeller records migrate --to postgres://…`: an SQLite record copied into an empty
 * PostgreSQL one as it is (seqs, hashes, anchor, job ids, prompts), then both chains checked:
 * the copy must be intact, as long, and end in the same head hash as the original.
 */
import { LabellerError } from '../domain/errors.js';
import { checkChain, checkRecord, type ChainReport } from './check.js';
import type { SqliteRegistry } from './sqlite-registry.js';

export interface MigrateResult {
  where: string;
  copied: number;
  prompts: number;
  source: ChainReport;
  target: ChainReport;
  /** The copy is intact, as long as the original and ends in the same head hash. */
  verified: boolean;
}

export async function migrateToPostgres(from: SqliteRegistry, url: string, opts: { maxPixels?: number } = {}): Promise<MigrateResult> {
  const source = checkChain(from);
  if (!source.intact)
    throw new LabellerError(
      'bad_option',
      `the record at ${from.where} is not intact (row ${source.firstBad?.seq}: ${source.firstBad?.reason}); it is not copied`,
    );
  const { openPgRegistry } = await import('./pg-registry.js');
  const to = await openPgRegistry(url, opts);
  try {
    const hasPrompts = from.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'prompts'").get() !== undefined;
    const prompts = hasPrompts ? (from.db.prepare('SELECT * FROM prompts').all() as Record<string, unknown>[]) : [];
    const copied = await to.importRecord({ anchor: from.anchor(), rows: from.rows(), prompts });
    const target = await checkRecord(to);
    const verified = target.intact && target.rows === source.rows && target.head === source.head && target.pruned === source.pruned;
    return { where: to.where, copied, prompts: prompts.length, source, target, verified };
  } finally {
    await to.close();
  }
}
