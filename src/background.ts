/**
 * What the service does besides answering requests, on the same core context: queued labels
 * (this instance's share, each in a job slot), retention, expiry of held drafts and of queued
 * work's files, and webhook delivery. On PostgreSQL the queue is shared by every instance, so
 * each piece runs on one instance at a time; otherwise all of it runs here.
 */
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { expireWork, runLabelWork, unfinishedWork } from './core/label-work.js';
import { expireJobs } from './core/review.js';
import type { CoreContext } from './core/types.js';
import { errorMessage } from './domain/errors.js';
import type { JobSlots } from './http/job-slots.js';
import { registerWebhookStats, type Metrics } from './http/metrics.js';
import type { WorkQueue } from './queue/work-queue.js';
import { jobStoreFor } from './review/store.js';
import { WEBHOOK_TIMING, WebhookDeliverer, type DelivererOptions } from './review/webhook.js';

const RETENTION_INTERVAL_MIN = 6 * 60;
/** How often held drafts past REVIEW_TTL_DAYS (and queued work past WORK_TTL_HOURS) are looked for. */
const EXPIRY_INTERVAL_MS = 3600 * 1000;

export interface BackgroundDeps {
  config: Config;
  ctx: CoreContext;
  queue: WorkQueue;
  slots: JobSlots;
  logger: Logger;
  metrics: Metrics;
  /** Retry timing of WEBHOOK_URL deliveries (tests shorten it). */
  webhook?: DelivererOptions;
}

export interface Background {
  /** Stops the timers and the webhook deliverer (the queue itself is stopped by its owner). */
  stop(): Promise<void>;
}

export async function startBackground(d: BackgroundDeps): Promise<Background> {
  const { config, ctx, queue, logger } = d;
  await queue.work('label', config.maxConcurrentJobs, async (id) => {
    // A queued label waits for a slot like an upload does, but is never refused: it waits on disk.
    const release = await d.slots.acquire(true);
    try {
      logger.info({ job: id, door: 'queue' }, 'queued work started');
      await runLabelWork(id, ctx);
      logger.info({ job: id, door: 'queue' }, 'queued work ended');
    } catch (err) {
      logger.warn({ job: id, door: 'queue', err: errorMessage(err) }, 'queued work stopped by a fault of the machine; it will be retried');
      throw err;
    } finally {
      release();
    }
  });
  // The local queue forgets on exit: what the files say is unfinished is queued again (a no-op on PostgreSQL's).
  for (const id of await unfinishedWork(ctx)) await queue.send('label', id);

  // Retention also runs while the service stays up (opening the record applies it once).
  const records = ctx.records;
  if ((config.retentionDays > 0 || config.promptRetentionDays > 0) && records) {
    await queue.every('retention', RETENTION_INTERVAL_MIN, async () => {
      await records.prune(config.retentionDays).then(
        (r) => r.removed && logger.info({ removed: r.removed }, 'records past retention removed'),
        (err) => logger.error({ err: errorMessage(err) }, 'retention failed'),
      );
      await records.expirePrompts?.(config.promptRetentionDays).then(
        (n) => n && logger.info({ erased: n }, 'prompts past PROMPT_RETENTION_DAYS erased'),
        (err) => logger.error({ err: errorMessage(err) }, 'prompt retention failed'),
      );
    });
  }

  // Held drafts expire (deleted, with a record row) after REVIEW_TTL_DAYS; queued work's files after WORK_TTL_HOURS.
  const expire = () =>
    Promise.all([
      expireJobs(ctx).then(
        (r) => (r.expired || r.purged || r.forgotten) && logger.info({ ...r }, 'review drafts and files past REVIEW_TTL_DAYS removed'),
        (err) => logger.error({ err: errorMessage(err) }, 'review expiry failed'),
      ),
      expireWork(ctx).then(
        (n) => n && logger.info({ removed: n }, 'queued work past WORK_TTL_HOURS removed'),
        (err) => logger.error({ err: errorMessage(err) }, 'work expiry failed'),
      ),
    ]);
  void expire();
  const expiryTimer = setInterval(expire, EXPIRY_INTERVAL_MS).unref();

  const webhooks = config.webhookUrl ? await startWebhooks(d) : undefined;
  if (webhooks) registerWebhookStats(d.metrics, () => webhooks.stats);
  return {
    async stop() {
      clearInterval(expiryTimer);
      await webhooks?.stop();
    },
  };
}

/**
 * Delivery of review decisions to WEBHOOK_URL. On PostgreSQL each event goes through the shared
 * queue (every instance may deliver; one does each event, the queue times the retries);
 * otherwise this process delivers the outbox on its own timer.
 */
async function startWebhooks(d: BackgroundDeps): Promise<WebhookDeliverer> {
  const shared = d.queue.where === 'postgres';
  const timing = d.webhook ?? {};
  const deliverer = new WebhookDeliverer(d.config, jobStoreFor(d.config.dataDir).root, {
    ...timing,
    log: (level, msg, extra) => d.logger[level]({ ...extra, door: 'webhook' }, msg),
    ...(shared ? { dispatch: (id: string) => d.queue.send('webhook', id) } : {}),
  });
  if (shared) {
    const t = { ...WEBHOOK_TIMING, ...timing };
    await d.queue.work('webhook', 1, (id) => deliverer.deliverOne(id), { limit: t.maxAttempts - 1, delayS: Math.round(t.baseDelayMs / 1000) });
  }
  return deliverer.start();
}
