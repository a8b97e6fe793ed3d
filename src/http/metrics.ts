/**
 * Prometheus metrics on a registry of our own (not prom-client's global one), so several
 * servers can live in one test process. The watch worker registers its counters through
 * `metrics.registry` (or `counter()`), and they appear on the same /metrics page.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface Metrics {
  registry: Registry;
  requests: Counter<'method' | 'route' | 'status'>;
  duration: Histogram<'method' | 'route'>;
  labels: Counter<'format' | 'door'>;
  verifications: Counter<'verdict' | 'door'>;
  errors: Counter<'code'>;
  /** Storage faults met by requests: kind no_space (ENOSPC, EDQUOT, SQLITE_FULL) or io (EIO, read-only...). */
  ioErrors: Counter<'kind'>;
  /** For other doors (watch folder): a counter on the same registry, created once per name. */
  counter<L extends string>(name: string, help: string, labelNames?: L[]): Counter<L>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'labeller_' });
  const counters = new Map<string, Counter<string>>();
  return {
    registry,
    requests: new Counter({
      name: 'labeller_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'labeller_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32],
      registers: [registry],
    }),
    labels: new Counter({ name: 'labeller_labels_total', help: 'Files labelled and signed', labelNames: ['format', 'door'], registers: [registry] }),
    verifications: new Counter({
      name: 'labeller_verifications_total',
      help: 'Files verified, by verdict',
      labelNames: ['verdict', 'door'],
      registers: [registry],
    }),
    errors: new Counter({ name: 'labeller_errors_total', help: 'Errors returned, by stable code', labelNames: ['code'], registers: [registry] }),
    ioErrors: new Counter({
      name: 'labeller_io_errors_total',
      help: 'Storage faults (disk full, I/O errors) met while serving requests',
      labelNames: ['kind'],
      registers: [registry],
    }),
    counter<L extends string>(name: string, help: string, labelNames: L[] = []) {
      let c = counters.get(name);
      if (!c) {
        c = new Counter({ name, help, labelNames, registers: [registry] });
        counters.set(name, c);
      }
      return c as Counter<L>;
    },
  };
}

/** The watch folder's counters, read from the worker when Prometheus scrapes. */
export function registerWatchStats(metrics: Metrics, stats: () => Record<'processed' | 'failed' | 'inProgress' | 'queued', number>): void {
  const help: Record<string, string> = {
    processed: 'Watch-folder files labelled or verified since start',
    failed: 'Watch-folder files moved to failed since start',
    inProgress: 'Watch-folder files being processed now',
    queued: 'Watch-folder files waiting',
  };
  for (const key of ['processed', 'failed', 'inProgress', 'queued'] as const) {
    const name = `labeller_watch_${key.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase())}`;
    new Gauge({
      name,
      help: help[key],
      registers: [metrics.registry],
      collect() {
        this.set(stats()[key]);
      },
    });
  }
}

/** Readiness figures read when Prometheus scrapes: the watch folder's halted flag and free space in DATA_DIR. */
export function registerHealthGauges(metrics: Metrics, read: { watchHalted: () => boolean; freeBytes: () => Promise<number | undefined> }): void {
  if (metrics.registry.getSingleMetric('labeller_watch_halted')) return;
  new Gauge({
    name: 'labeller_watch_halted',
    help: '1 while the embedded watch folder has halted (it takes no more files), else 0',
    registers: [metrics.registry],
    collect() {
      this.set(read.watchHalted() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'labeller_data_dir_free_bytes',
    help: 'Free space in DATA_DIR (checked at most every few seconds)',
    registers: [metrics.registry],
    async collect() {
      const v = await read.freeBytes();
      if (v !== undefined) this.set(v);
    },
  });
}

/** Webhook deliveries (WEBHOOK_URL): delivered, retried and given-up events since start, events waiting, and whether the last attempt failed. */
export function registerWebhookStats(
  metrics: Metrics,
  stats: () => { delivered: number; retried: number; failed: number; pending: number; failing: number },
): void {
  if (metrics.registry.getSingleMetric('labeller_webhook_deliveries')) return;
  new Gauge({
    name: 'labeller_webhook_deliveries',
    help: 'Webhook delivery attempts since start, by outcome (delivered, retried, failed = given up)',
    labelNames: ['outcome'],
    registers: [metrics.registry],
    collect() {
      const s = stats();
      for (const outcome of ['delivered', 'retried', 'failed'] as const) this.set({ outcome }, s[outcome]);
    },
  });
  new Gauge({
    name: 'labeller_webhook_pending',
    help: 'Webhook events waiting to be delivered (kept on disk across restarts)',
    registers: [metrics.registry],
    collect() {
      this.set(stats().pending);
    },
  });
  new Gauge({
    name: 'labeller_webhook_failing',
    help: '1 while the last webhook delivery attempt failed, else 0',
    registers: [metrics.registry],
    collect() {
      this.set(stats().failing);
    },
  });
}
