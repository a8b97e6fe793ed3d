/**
 * `npm start`: configuration → core context (signing identity) → API keys → HTTP service,
 * and a graceful stop on SIGTERM/SIGINT (stop accepting, finish jobs, close the record and
 * exiftool). `startServer()` is also what tests use, on port 0.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino, { type DestinationStream, type Logger } from 'pino';
import { loadConfig, type Config } from './config.js';
import { createContext } from './startup.js';
import type { CoreContext } from './core/types.js';
import { errorMessage } from './domain/errors.js';
import { loadKeys, loadSharedKeys, type SharedKeySource } from './http/api-keys.js';
import { createApp } from './http/app.js';
import type { FreeSpaceFn } from './http/disk-space.js';
import { createMetrics, registerWatchStats, type Metrics } from './http/metrics.js';
import { storageFault } from './http/storage-fault.js';
import { defaultWatchDir, startWatcher, type Watcher } from './watch/index.js';
import { leadWatch, type WatchLeader } from './watch/leader.js';
import { endExiftool } from './provenance/exiftool.js';
import type { WorkQueue } from './queue/work-queue.js';
import { openQueue } from './queue/open.js';
import { startBackground, type Background } from './background.js';
import type { DelivererOptions } from './review/webhook.js';

export interface StartOptions {
  config?: Config;
  /** A ready context (tests share one); built from `config` otherwise. */
  ctx?: CoreContext;
  /** Where JSON logs go; stdout by default. */
  logStream?: DestinationStream;
  /** Queue length beyond MAX_CONCURRENT_JOBS before 503. */
  maxQueue?: number;
  /** Called with the new key's secret when none was configured (default: printed on stdout). */
  onKeyCreated?: (name: string, secret: string, file: string) => void;
  /** How free space in DATA_DIR is measured (tests simulate a full disk with it). */
  freeSpace?: FreeSpaceFn;
  /** Retry timing of WEBHOOK_URL deliveries (tests shorten it). */
  webhook?: DelivererOptions;
}

export interface RunningServer {
  url: string;
  port: number;
  ctx: CoreContext;
  metrics: Metrics;
  logger: Logger;
  server: http.Server;
  /** Stops accepting, lets in-flight jobs finish, closes the record and exiftool. */
  close(): Promise<void>;
}

export async function startServer(opts: StartOptions = {}): Promise<RunningServer> {
  const config = opts.config ?? opts.ctx?.config ?? loadConfig();
  const logger = pino({ level: config.logLevel, base: { svc: 'labeller' } }, opts.logStream ?? pino.destination({ dest: 1, sync: true }));
  const ctx = opts.ctx ?? (await createContext({ config, warn: (msg) => logger.warn(msg) }));
  // Instances sharing a record on PostgreSQL share its keys too (stored hashed there).
  const shared = config.databaseUrl ? (ctx.records as Partial<SharedKeySource> | undefined) : undefined;
  const { store, created } = shared?.sharedKeys ? await loadSharedKeys(config.apiKeys, shared as SharedKeySource) : loadKeys(config.apiKeys, config.dataDir);
  if (created) (opts.onKeyCreated ?? printNewKey)(created.name, created.secret, created.file);

  const metrics = createMetrics();
  let queue: WorkQueue;
  try {
    queue = await openQueue(config, (level, msg, extra) => logger[level]({ ...extra, door: 'queue' }, msg));
  } catch (err) {
    if (!opts.ctx) await ctx.records?.close().catch(() => {});
    throw err;
  }
  const { app, deps, setAccepting, setWatch } = createApp({ ctx, keys: store, logger, metrics, maxQueue: opts.maxQueue, freeSpace: opts.freeSpace, queue });
  let background: Background;
  try {
    background = await startBackground({ config, ctx, queue, slots: deps.slots, logger, metrics, webhook: opts.webhook });
  } catch (err) {
    await queue.stop();
    if (!opts.ctx) await ctx.records?.close().catch(() => {});
    throw err;
  }
  const server = http.createServer(app);
  // Upload bodies have their own idle/rate/total timers (src/http/upload.ts); these are the
  // outer bounds: headers within 20 s, the whole request (upload, then job) within both limits.
  server.headersTimeout = 20_000;
  server.requestTimeout = config.uploadTimeoutMs + config.requestTimeoutMs + 10_000;
  server.keepAliveTimeout = 5_000;

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => resolve());
    });
  } catch (err) {
    // Port taken or not allowed: release what this call opened before reporting it.
    await background.stop();
    await queue.stop();
    if (!opts.ctx) await ctx.records?.close().catch(() => {});
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  // The watch folder runs in the same process on the same core context, so its labels land
  // in the same record and its counters on the same /metrics page.
  let watcher: Watcher | undefined;
  let haltReason: string | undefined;
  const watchOptions = {
    logger: logger.child({ door: 'watch' }),
    onHalt: (err: Error) => {
      // Public on /readyz: a category, never the error text (it names paths).
      haltReason = storageFault(err) === 'no_space' ? 'no space left on the disk' : "a job failed for a reason that is not the file's";
      logger.error({ err: errorMessage(err), storage: storageFault(err) }, 'watch folder halted');
    },
  };
  const useWatcher = (w: Watcher | undefined) => {
    watcher = w;
    setWatch(() => (watcher?.isHalted() ? { halted: true, reason: haltReason } : watcher ? { halted: false } : undefined));
  };
  let leader: WatchLeader | undefined;
  if (config.watchEnabled) registerWatchStats(metrics, () => watcher?.stats() ?? { processed: 0, failed: 0, inProgress: 0, queued: 0 });
  const lease = ctx.records?.lease?.bind(ctx.records);
  if (config.watchEnabled && lease) {
    // Several instances on one record: the one holding the folder's lease runs it.
    leader = leadWatch({ dir: defaultWatchDir(config), ctx, lease: () => lease('watch'), watch: watchOptions, logger, onChange: useWatcher });
    await leader.ready;
  } else if (config.watchEnabled) {
    try {
      useWatcher(await startWatcher(defaultWatchDir(config), ctx, watchOptions));
      logger.info({ dir: watcher!.dir }, 'watch folder running');
    } catch (err) {
      server.close();
      await background.stop();
      await queue.stop();
      if (!opts.ctx) await ctx.records?.close().catch(() => {});
      throw err;
    }
  }
  const stopWatch = async () => (leader ? leader.stop() : watcher?.stop());

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      setAccepting(false);
      await background.stop();
      const stopped = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      await stopWatch();
      // Queued work running here finishes; what waits stays queued for another instance (or the next start).
      await queue.stop();
      // In-flight jobs finish (bounded by the request timeout) before the record closes.
      await Promise.race([deps.slots.drained(), sleep(config.requestTimeoutMs)]);
      await Promise.race([stopped, sleep(2_000)]);
      server.closeAllConnections();
      await ctx.records?.close().catch((err) => logger.error({ err: errorMessage(err) }, 'closing the record failed'));
      await endExiftool();
      logger.info('labeller stopped');
    })());

  // Last, once everything above runs (and the warning before it): whoever waits for "listening"
  // (a supervisor, a test) finds the service whole, and the entry point's fault handlers follow at once.
  if (!isLoopback(config.host) && !config.verifyRequiresKey) warnOpenVerify(config.host, port, logger);
  logger.info({ url, dataDir: config.dataDir, keys: store.size, developmentSigner: ctx.identity.development }, 'labeller listening');
  return { url, port, ctx, metrics, logger, server, close };
}

function printNewKey(name: string, secret: string, file: string): void {
  const line = '='.repeat(72);
  process.stdout.write(
    `\n${line}\nNo API key was configured, so one was created (name "${name}").\n\n    API KEY: ${secret}\n\n` +
      `Copy it now: it is shown only this once. Only its hash is stored, in ${file}.\n` +
      `Send it as "Authorization: Bearer <key>" or enter it on the web page.\n${line}\n\n`,
  );
}

function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || h.startsWith('127.') || h === '::ffff:127.0.0.1';
}

/** Loud, on stderr and in the log: anyone who can reach this address can verify without a key. */
function warnOpenVerify(host: string, port: number, logger: Logger): void {
  const line = '!'.repeat(72);
  process.stderr.write(
    `\n${line}\nWARNING: listening on ${host}:${port}, reachable from other machines, and POST /api/v1/verify\n` +
      `answers anyone without an API key (rate-limited per address by ANON_VERIFY_PER_MINUTE).\n` +
      `Set VERIFY_REQUIRES_KEY=true to close it, or HOST=127.0.0.1 to listen on this machine only.\n${line}\n\n`,
  );
  logger.warn({ host, port }, 'verification is open without a key on a non-loopback address');
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

async function main(): Promise<void> {
  let running: RunningServer;
  try {
    running = await startServer();
  } catch (err) {
    process.stderr.write(`labeller: cannot start: ${errorMessage(err)}\n`);
    await endExiftool();
    process.exit(2);
  }
  const stop = (signal: string) => {
    running.logger.info({ signal }, 'shutting down');
    running.close().then(
      () => process.exit(0),
      (err) => {
        process.stderr.write(`labeller: shutdown failed: ${errorMessage(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  // A fault no request handler caught leaves the process in an unknown state: log it, give
  // in-flight work a short moment, and exit non-zero so the supervisor starts a clean one.
  const fatal = (kind: string) => (err: unknown) => {
    try {
      running.logger.fatal({ err: err instanceof Error ? { type: err.name, message: err.message, stack: err.stack } : String(err) }, kind);
    } catch {
      process.stderr.write(`labeller: ${kind}: ${errorMessage(err)}\n`);
    }
    const exit = () => process.exit(1);
    setTimeout(exit, 3_000).unref();
    running.close().then(exit, exit);
  };
  process.once('uncaughtException', fatal('uncaught exception; exiting'));
  process.once('unhandledRejection', fatal('unhandled promise rejection; exiting'));
}

// Run only as the entry point (node dist/server.js), not when tests import startServer.
const isEntry = !!process.argv[1] && realpath(process.argv[1]) === realpath(fileURLToPath(import.meta.url));
if (isEntry) void main();
