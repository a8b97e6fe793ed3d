/**
 * Notifications of review decisions: `job.approved` / `job.rejected` POSTed to WEBHOOK_URL
 * (operator configuration only, never a request's), signed with HMAC-SHA256 over
 * `<timestamp>.<body>` with WEBHOOK_SECRET. Each event is a file under
 * DATA_DIR/review/webhooks/ until delivered, so a restart loses none; failures are retried with
 * exponential back-off, and after the last attempt the event moves to webhooks/failed/.
 * With a shared queue (`dispatch`, on PostgreSQL) every instance may have WEBHOOK_URL: each event
 * is handed to the queue, which gives it to one instance at a time and times its retries.
 */
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../config.js';
import type { Job } from '../domain/review.js';

export const SIGNATURE_HEADER = 'X-Labeller-Signature';
export const TIMESTAMP_HEADER = 'X-Labeller-Timestamp';

interface Pending {
  id: string;
  event: 'job.approved' | 'job.rejected';
  createdAt: string;
  attempts: number;
  nextAt: number;
  lastError?: string;
  body: string;
}

export interface WebhookStats {
  delivered: number;
  retried: number;
  failed: number;
  pending: number;
  /** 1 when the last attempt failed (the receiver is down), else 0. */
  failing: number;
}

/** What the receiver learns: the decision and where to fetch the file with a key; never the file or a key. */
export function webhookPayload(job: Job): Record<string, unknown> {
  return {
    event: job.state === 'approved' ? 'job.approved' : 'job.rejected',
    job: {
      id: job.id,
      state: job.state,
      fileName: job.fileName,
      format: job.format,
      submitter: job.submitter,
      decision: job.decision,
      ...(job.output ? { output: { sha256: job.output.sha256, recordId: job.output.labelRecordId, href: `/api/v1/jobs/${job.id}/output` } } : {}),
      href: `/api/v1/jobs/${job.id}`,
    },
  };
}

/** Queues the job's decision for delivery (nothing when no WEBHOOK_URL is configured). */
export async function enqueueWebhook(config: Pick<Config, 'webhookUrl'>, reviewRoot: string, job: Job): Promise<void> {
  if (!config.webhookUrl || (job.state !== 'approved' && job.state !== 'rejected')) return;
  const dir = queueDir(reviewRoot);
  await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
  // One event per job and decision: a decision applied twice (after a crash) queues it once.
  const id = `${job.id}.${job.state}`;
  const file = path.join(dir, `${id}.json`);
  if (fs.existsSync(file) || fs.existsSync(path.join(dir, 'failed', `${id}.json`)) || fs.existsSync(path.join(dir, 'sent', id))) return;
  const p: Pending = {
    id,
    event: job.state === 'approved' ? 'job.approved' : 'job.rejected',
    createdAt: new Date().toISOString(),
    attempts: 0,
    nextAt: 0,
    body: JSON.stringify(webhookPayload(job)),
  };
  await writeJson(file, p);
  for (const d of deliverers) if (d.root === reviewRoot) d.kick();
}

const deliverers = new Set<WebhookDeliverer>();

/** Retry timing by default: 12 attempts, 2 s after the first failure, doubling, at most 1 h apart. */
export const WEBHOOK_TIMING = { baseDelayMs: 2000, maxDelayMs: 3_600_000, maxAttempts: 12, timeoutMs: 10_000 } as const;

/** `<job id>.<decision>`: the only names an event file has (anything else is not ours to read). */
const DELIVERY_ID = /^[a-z0-9][a-z0-9-]{7,63}\.(approved|rejected)$/;

export interface DelivererOptions {
  /** First retry after this long; doubled each time (default 2 s), capped at maxDelayMs (default 1 h). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Attempts before an event is given up (default 12: about a day with the defaults). */
  maxAttempts?: number;
  timeoutMs?: number;
  log?: (level: 'info' | 'warn' | 'error', msg: string, extra: Record<string, unknown>) => void;
  /** Hands an event's id to a shared queue (idempotent), whose worker calls deliverOne; unset: delivered here. */
  dispatch?: (id: string) => Promise<void>;
}

export class WebhookDeliverer {
  readonly stats: WebhookStats = { delivered: 0, retried: 0, failed: 0, pending: 0, failing: 0 };
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly o: Required<Omit<DelivererOptions, 'log' | 'dispatch'>> & Pick<DelivererOptions, 'log' | 'dispatch'>;
  /** Events already handed to the queue by this process. */
  private readonly dispatched = new Set<string>();

  constructor(
    private readonly config: Pick<Config, 'webhookUrl' | 'webhookSecret'>,
    readonly root: string,
    opts: DelivererOptions = {},
  ) {
    this.o = { ...WEBHOOK_TIMING, ...opts };
  }

  start(pollMs = 1000): this {
    deliverers.add(this);
    this.timer = setInterval(() => this.kick(), pollMs);
    this.timer.unref();
    this.kick();
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    deliverers.delete(this);
    clearInterval(this.timer);
    await this.running;
  }

  /** Runs a pass now (or right after the one running). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch((err) => this.o.log?.('error', 'webhook pass failed', { err: (err as Error).message }))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves once a pass has run after this call. */
  async flush(): Promise<void> {
    await this.running;
    this.kick();
    await this.running;
  }

  private async pass(): Promise<void> {
    const dir = queueDir(this.root);
    const names = (await fsp.readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));
    this.stats.pending = names.length;
    if (this.o.dispatch) {
      const ids = names.map((n) => n.slice(0, -5));
      for (const id of ids) {
        if (this.stopped) return;
        if (!this.dispatched.has(id)) await this.o.dispatch(id);
        this.dispatched.add(id);
      }
      for (const id of this.dispatched) if (!ids.includes(id)) this.dispatched.delete(id);
      return;
    }
    for (const n of names) {
      if (this.stopped) return;
      const file = path.join(dir, n);
      const p = await readPending(file);
      if (!p || p.nextAt > Date.now()) continue;
      const outcome = await this.attempt(file, p);
      if (outcome !== 'retry') continue;
      const delay = Math.min(this.o.baseDelayMs * 2 ** (p.attempts - 1), this.o.maxDelayMs);
      p.nextAt = Date.now() + delay + Math.floor(Math.random() * delay * 0.1);
      await writeJson(file, p);
    }
    this.stats.pending = (await fsp.readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).length;
  }

  /**
   * The queue's handler (with `dispatch`): one attempt at one event. Throws when it should be
   * tried again (the queue times the retry); returns when delivered, given up or already gone.
   */
  async deliverOne(id: string): Promise<void> {
    if (!DELIVERY_ID.test(id)) return;
    const file = path.join(queueDir(this.root), `${id}.json`);
    const p = await readPending(file);
    if (!p) return; // delivered (or given up) by an earlier attempt
    if ((await this.attempt(file, p)) === 'retry') {
      await writeJson(file, p);
      throw new Error(`webhook delivery failed (${p.lastError}); it will be retried`);
    }
  }

  /** One POST of `p`: delivered (moved to sent/), given up (moved to failed/), or to retry (`p` updated). */
  private async attempt(file: string, p: Pending): Promise<'sent' | 'failed' | 'retry'> {
    const dir = path.dirname(file);
    const error = await this.send(p);
    if (!error) {
      await fsp.mkdir(path.join(dir, 'sent'), { recursive: true });
      await fsp.writeFile(path.join(dir, 'sent', p.id), new Date().toISOString());
      await fsp.rm(file, { force: true });
      this.stats.delivered++;
      this.stats.failing = 0;
      this.o.log?.('info', 'webhook delivered', { event: p.event, delivery: p.id, attempts: p.attempts + 1 });
      return 'sent';
    }
    this.stats.failing = 1;
    p.attempts++;
    p.lastError = error;
    if (p.attempts >= this.o.maxAttempts) {
      await fsp.mkdir(path.join(dir, 'failed'), { recursive: true });
      await writeJson(path.join(dir, 'failed', path.basename(file)), p);
      await fsp.rm(file, { force: true });
      this.stats.failed++;
      this.o.log?.('error', 'webhook given up', { event: p.event, delivery: p.id, attempts: p.attempts, error });
      return 'failed';
    }
    this.stats.retried++;
    this.o.log?.('warn', 'webhook failed; will retry', { event: p.event, delivery: p.id, attempts: p.attempts, error });
    return 'retry';
  }

  /** One POST; undefined on a 2xx answer, else why not. Redirects are not followed. */
  private async send(p: Pending): Promise<string | undefined> {
    const { webhookUrl, webhookSecret } = this.config;
    if (!webhookUrl || !webhookSecret) return 'WEBHOOK_URL or WEBHOOK_SECRET is not configured';
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = createHmac('sha256', webhookSecret).update(`${ts}.${p.body}`).digest('hex');
    try {
      const res = await fetch(webhookUrl, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(this.o.timeoutMs),
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'ai-media-labeller-webhook',
          'X-Labeller-Event': p.event,
          'X-Labeller-Delivery': p.id,
          [TIMESTAMP_HEADER]: ts,
          [SIGNATURE_HEADER]: `sha256=${signature}`,
        },
        body: p.body,
      });
      await res.arrayBuffer().catch(() => undefined);
      return res.status >= 200 && res.status < 300 ? undefined : `HTTP ${res.status}`;
    } catch (err) {
      return (err as Error).name === 'TimeoutError' ? 'timed out' : (err as Error).message.slice(0, 200);
    }
  }
}

/** What a receiver does to check a delivery: HMAC-SHA256 of `<timestamp>.<body>` with the shared secret. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

async function readPending(file: string): Promise<Pending | undefined> {
  try {
    return JSON.parse(await fsp.readFile(file, 'utf8')) as Pending;
  } catch {
    return undefined; // being written, or gone
  }
}

function queueDir(reviewRoot: string): string {
  return path.join(reviewRoot, 'webhooks');
}

async function writeJson(file: string, value: unknown): Promise<void> {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  const fh = await fsp.open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(JSON.stringify(value));
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fsp.rename(tmp, file);
}
