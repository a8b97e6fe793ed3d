/**
 * The queue shared by every instance on one PostgreSQL database (DATABASE_URL): pg-boss, the
 * one module that imports it. A job is a row; a worker takes it with SKIP LOCKED, so one
 * instance runs it at a time; a job whose instance died is failed by pg-boss's maintenance
 * once QUEUE_JOB_EXPIRY_S has passed, then retried by any instance (RETRY.limit times).
 * Our ids map to pg-boss's UUIDs one to one, so sending an id twice queues it once.
 */
import { createHash } from 'node:crypto';
import PgBoss from 'pg-boss';
import { LabellerError, errorMessage } from '../domain/errors.js';
import { RETRY, type Retry, type WorkKind, type WorkQueue, type WorkState } from './work-queue.js';

export interface PgQueueOptions {
  url: string;
  /** Seconds a job may run before it is taken as lost and retried. */
  expiryS: number;
  /** How often expired jobs are looked for and schedules run. */
  maintenanceS: number;
  log?: (level: 'warn' | 'error', msg: string, extra: Record<string, unknown>) => void;
}

/** Our state word for pg-boss's. */
const STATES: Record<string, WorkState> = { created: 'queued', retry: 'queued', active: 'running', completed: 'done', failed: 'failed', cancelled: 'failed' };

/** A stable UUID (version-5 layout) for any id of ours. */
export function uuidOf(id: string): string {
  const h = createHash('sha256').update(`labeller-work:${id}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export async function openPgQueue(o: PgQueueOptions): Promise<WorkQueue> {
  const boss = new PgBoss({
    connectionString: o.url,
    schema: 'labeller_queue',
    max: 4,
    application_name: 'labeller-queue',
    maintenanceIntervalSeconds: o.maintenanceS,
    cronMonitorIntervalSeconds: Math.max(1, Math.min(o.maintenanceS, 60)),
    cronWorkerIntervalSeconds: Math.max(1, Math.min(o.maintenanceS, 60)),
  });
  // Without a listener an 'error' event would end the process; a lost connection is retried by pg-boss.
  boss.on('error', (err: Error) => o.log?.('error', 'queue error', { err: errorMessage(err) }));
  try {
    await boss.start();
  } catch (err) {
    await boss.stop({ graceful: false, wait: false }).catch(() => {});
    throw new LabellerError('io_error', `the work queue on PostgreSQL cannot start: ${errorMessage(err)}`, { cause: err });
  }
  const created = new Set<WorkKind>();
  const ensure = async (kind: WorkKind, retry?: Retry) => {
    if (created.has(kind) && !retry) return;
    // createQueue is idempotent across instances (ON CONFLICT in pg-boss); the options update every start.
    const r = retry ?? RETRY;
    const options = { name: kind, retryLimit: r.limit, retryDelay: r.delayS, retryBackoff: true, expireInSeconds: o.expiryS };
    await boss.createQueue(kind, options);
    await boss.updateQueue(kind, options);
    created.add(kind);
  };

  return {
    where: 'postgres',
    async send(kind, id) {
      await ensure(kind);
      await boss.send(kind, { id }, { id: uuidOf(id) });
    },
    async work(kind, concurrency, handler, retry) {
      await ensure(kind, retry ?? RETRY);
      // One pg-boss worker per slot, each taking one job at a time.
      for (let i = 0; i < concurrency; i++) {
        await boss.work<{ id: string }>(kind, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
          await handler(job.data.id);
        });
      }
    },
    async every(kind, everyMinutes, handler) {
      await ensure(kind);
      await boss.schedule(kind, cronOf(everyMinutes), {}, { singletonKey: kind });
      await boss.work(kind, { batchSize: 1 }, async () => handler());
    },
    async status(kind, id) {
      await ensure(kind);
      const job = await boss.getJobById(kind, uuidOf(id), { includeArchive: true });
      if (!job) return undefined;
      // retryCount counts the failed attempts; an active or finished job is one attempt further.
      const started = job.state === 'created' || job.state === 'retry' ? 0 : 1;
      return { state: STATES[job.state] ?? 'queued', attempts: job.retryCount + started };
    },
    async stop() {
      // Work running here finishes (within the expiry); what it could not is retried elsewhere.
      await boss.stop({ graceful: true, wait: true, timeout: 20_000 }).catch(() => {});
    },
  };
}

/** A cron line for "every n minutes" (whole divisors of an hour, or whole hours). */
function cronOf(everyMinutes: number): string {
  if (everyMinutes < 60) return `*/${Math.max(1, Math.round(everyMinutes))} * * * *`;
  return `0 */${Math.max(1, Math.min(23, Math.round(everyMinutes / 60)))} * * *`;
}
