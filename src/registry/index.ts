/** The provenance record: `openRegistry(config)` is the one way in for the core and the doors. */
import path from 'node:path';
import type { Config } from '../config.js';
import { openDatabase } from './database.js';
import { pruneExpired } from './retention.js';
import { SqliteRegistry } from './sqlite-registry.js';
import type { RecordStore } from './store.js';

export { SqliteRegistry } from './sqlite-registry.js';
export { checkChain, checkRecord, type ChainReport } from './check.js';
export type { RecordStore } from './store.js';
export { pruneExpired } from './retention.js';
export { exportRecords, recordsInRange, toCsv, toJson, type ExportFormat } from './export.js';

export function registryPath(config: Pick<Config, 'dataDir'>): string {
  return path.join(config.dataDir, 'records.sqlite');
}

/**
 * Opens (creating if needed) the record under DATA_DIR and applies RETENTION_DAYS once.
 * `mustExist` is for readers such as `labeller records check`, which must not create an empty one.
 */
export function openRegistry(
  config: Pick<Config, 'dataDir' | 'maxPixels' | 'retentionDays'> & { promptRetentionDays?: number },
  opts: { mustExist?: boolean } = {},
): SqliteRegistry {
  const registry = new SqliteRegistry(openDatabase(registryPath(config), opts), { maxPixels: config.maxPixels });
  // Long-running doors (server, watch) call pruneExpired again on their own schedule.
  if (!opts.mustExist) {
    pruneExpired(registry, config.retentionDays);
    registry.prompts.expire(config.promptRetentionDays ?? 0, new Date());
  }
  return registry;
}

/**
 * The record the configuration names: PostgreSQL when DATABASE_URL is set (shared by every
 * instance; node-postgres is loaded only then), else the SQLite file under DATA_DIR.
 */
export async function openRecordStore(
  config: Pick<Config, 'dataDir' | 'maxPixels' | 'retentionDays' | 'databaseUrl'> & { promptRetentionDays?: number },
  opts: { mustExist?: boolean } = {},
): Promise<RecordStore> {
  if (!config.databaseUrl) return openRegistry(config, opts);
  const { openPgRegistry } = await import('./pg-registry.js');
  const registry = await openPgRegistry(config.databaseUrl, { maxPixels: config.maxPixels });
  if (!opts.mustExist) {
    await registry.prune(config.retentionDays);
    await registry.expirePrompts(config.promptRetentionDays ?? 0);
  }
  return registry;
}
