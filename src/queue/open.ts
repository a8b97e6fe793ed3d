/** The queue the configuration names: PostgreSQL's (pg-boss, loaded only then) with DATABASE_URL, else this process's own. */
import type { Config } from '../config.js';
import { createLocalQueue } from './local-queue.js';
import type { WorkQueue } from './work-queue.js';

export type QueueLog = (level: 'warn' | 'error', msg: string, extra: Record<string, unknown>) => void;

export async function openQueue(config: Config, log: QueueLog): Promise<WorkQueue> {
  if (!config.databaseUrl) return createLocalQueue({ log: (msg, extra) => log('error', msg, extra) });
  const { openPgQueue } = await import('./pg-queue.js');
  return openPgQueue({ url: config.databaseUrl, expiryS: config.queueJobExpiryS, maintenanceS: config.queueMaintenanceS, log });
}
