/**
 * The express app: security headers, request logs, metrics, the API routes, the pages.
 * No labelling or verification logic lives here; routes parse, call the core, render.
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { TOOL_INFO } from '../provenance/manifest.js';
import type { CoreContext } from '../core/types.js';
import type { KeyStore } from './api-keys.js';
import { requireKey } from './auth.js';
import type { AppDeps, WatchHealth } from './deps.js';
import { createDiskProbe, type FreeSpaceFn } from './disk-space.js';
import { createJobSlots } from './job-slots.js';
import { createLocalQueue } from '../queue/local-queue.js';
import type { WorkQueue } from '../queue/work-queue.js';
import { requestLogger } from './logging.js';
import { createMetrics, registerHealthGauges, type Metrics } from './metrics.js';
import { openApiDocument } from './openapi.js';
import { HttpProblem, sendProblem } from './problem.js';
import { healthz, readyz } from './routes/health.js';
import { infoHandler } from './routes/info.js';
import { labelHandler } from './routes/label.js';
import { getRecordHandler, listRecordsHandler } from './routes/records.js';
import { erasePromptHandler } from './routes/erase.js';
import { cleanHandler } from './routes/clean.js';
import { lookupHandler } from './routes/lookup.js';
import { surviveHandler } from './routes/survive.js';
import { approveHandler, getJobHandler, listJobsHandler, outputHandler, previewHandler, rejectHandler } from './routes/jobs.js';
import { verifyHandler } from './routes/verify.js';
import { createRateLimiter, rateLimit } from './rate-limit.js';
import { createUploadReader } from './upload.js';
import { createUploadGate } from './upload-gate.js';

export const PUBLIC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../public');

export interface AppOptions {
  ctx: CoreContext;
  keys: KeyStore;
  logger: Logger;
  metrics?: Metrics;
  /** Jobs allowed to wait for a slot beyond MAX_CONCURRENT_JOBS before 503. Default 2× the slots. */
  maxQueue?: number;
  /** How free space in DATA_DIR is measured (fs.statfs); tests pass a stand-in. */
  freeSpace?: FreeSpaceFn;
  /** Where queued work goes (default: this process's own queue). */
  queue?: WorkQueue;
}

export interface CreatedApp {
  app: express.Express;
  deps: AppDeps;
  setAccepting: (v: boolean) => void;
  /** Tells /readyz and /metrics about the embedded watch folder. */
  setWatch: (health: () => WatchHealth | undefined) => void;
}

export function createApp(opts: AppOptions): CreatedApp {
  const { ctx } = opts;
  const cfg = ctx.config;
  let accepting = true;
  let watch: (() => WatchHealth | undefined) | undefined;
  const uploads = createUploadGate(cfg.maxUploads, cfg.maxUploadsPerClient);
  const deps: AppDeps = {
    ctx,
    keys: opts.keys,
    logger: opts.logger,
    metrics: opts.metrics ?? createMetrics(),
    slots: createJobSlots(cfg.maxConcurrentJobs, opts.maxQueue ?? cfg.maxConcurrentJobs * 2),
    queue: opts.queue ?? createLocalQueue(),
    uploads,
    disk: createDiskProbe(cfg.dataDir, cfg.minFreeBytes, opts.freeSpace),
    parseUpload: createUploadReader(
      { maxBytes: cfg.maxUploadBytes, idleTimeoutMs: cfg.uploadIdleTimeoutMs, totalTimeoutMs: cfg.uploadTimeoutMs, minBytesPerS: cfg.uploadMinBytesPerS },
      uploads,
    ),
    accepting: () => accepting,
    watch: () => watch?.(),
  };
  registerHealthGauges(deps.metrics, { watchHalted: () => !!deps.watch()?.halted, freeBytes: async () => (await deps.disk.check()).freeBytes });
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.set('query parser', 'simple');

  app.use(requestLogger(opts.logger));
  app.use(countRequests(deps.metrics));
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          scriptSrcAttr: ["'none'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'blob:', 'data:'],
          connectSrc: ["'self'"],
          fontSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
      // Served on plain http inside newsrooms: upgrading would break the pages there.
      strictTransportSecurity: false,
    }),
  );

  const mustHaveKey = requireKey(opts.keys, true);
  const verifyKey = requireKey(opts.keys, () => cfg.verifyRequiresKey);
  const limited = rateLimit(
    createRateLimiter(cfg.rateLimitPerMinute, 'requests per API key'),
    createRateLimiter(cfg.anonVerifyPerMinute, 'verifications without a key from one address'),
  );

  app.get('/healthz', healthz);
  app.get('/readyz', readyz(deps));
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', deps.metrics.registry.contentType);
    res.send(await deps.metrics.registry.metrics());
  });
  const doc = JSON.stringify(openApiDocument(TOOL_INFO.version));
  app.get('/api/openapi.json', (_req, res) => {
    res.type('application/json').send(doc);
  });
  app.get('/api/v1/info', infoHandler(deps));
  app.post('/api/v1/label', mustHaveKey, limited, labelHandler(deps));
  app.post('/api/v1/verify', verifyKey, limited, verifyHandler(deps));
  app.get('/api/v1/records', mustHaveKey, limited, listRecordsHandler(deps));
  app.get('/api/v1/records/:id', mustHaveKey, limited, getRecordHandler(deps));
  app.delete('/api/v1/records/:id/prompt', mustHaveKey, limited, erasePromptHandler(deps));
  app.get('/api/v1/lookup', mustHaveKey, limited, lookupHandler(deps));
  app.post('/api/v1/survive', mustHaveKey, limited, surviveHandler(deps));
  app.post('/api/v1/clean', mustHaveKey, limited, cleanHandler(deps));
  const decisionBody = [express.json({ limit: '16kb' }), express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 16 })];
  app.get('/api/v1/jobs', mustHaveKey, limited, listJobsHandler(deps));
  app.get('/api/v1/jobs/:id', mustHaveKey, limited, getJobHandler(deps));
  app.get('/api/v1/jobs/:id/output', mustHaveKey, limited, outputHandler(deps));
  app.get('/api/v1/jobs/:id/preview/:side', mustHaveKey, limited, previewHandler(deps));
  app.post('/api/v1/jobs/:id/approve', mustHaveKey, limited, ...decisionBody, approveHandler(deps));
  app.post('/api/v1/jobs/:id/reject', mustHaveKey, limited, ...decisionBody, rejectHandler(deps));

  app.use('/api', (req, _res, next) =>
    next(new HttpProblem('route_not_found', `No API endpoint ${req.method} ${req.originalUrl.split('?')[0].slice(0, 100)}.`)),
  );
  // A static asset (the page's ZIP builder), not an API route: mounted as middleware.
  app.use('/vendor/fflate.js', (req, res, next) =>
    req.method === 'GET' || req.method === 'HEAD'
      ? res.sendFile(fflateBrowserFile(), { headers: { 'Content-Type': 'text/javascript; charset=utf-8' }, maxAge: '1h' })
      : next(),
  );
  app.use(express.static(PUBLIC_DIR, { index: 'index.html', extensions: ['html'], maxAge: '5m' }));
  app.use((req, _res, next) => next(new HttpProblem('route_not_found', `Nothing at ${req.originalUrl.split('?')[0].slice(0, 100)}.`)));
  app.use(errorHandler(deps));
  return { app, deps, setAccepting: (v) => (accepting = v), setWatch: (h) => (watch = h) };
}

function countRequests(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const end = metrics.duration.startTimer();
    res.on('finish', () => {
      // The route pattern, never the raw URL: ids in paths must not explode the label set.
      const route = req.route?.path ? `${req.baseUrl}${req.route.path}` : 'other';
      end({ method: req.method, route });
      metrics.requests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}

function errorHandler(deps: AppDeps): ErrorRequestHandler {
  return (err, req, res, _next) => {
    // express.json/body errors and the like carry a status; treat them as bad requests.
    const e = isBodyParserError(err) ? new HttpProblem('bad_request', 'The request could not be read.') : err;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const p = sendProblem(res, e);
    deps.metrics.errors.inc({ code: p.code });
    const log = (req as { log?: Logger }).log ?? deps.logger;
    if (p.storage) {
      // Disk full or failing: count it, say so at error level, and let /readyz look again now.
      deps.metrics.ioErrors.inc({ kind: p.storage });
      deps.disk.invalidate();
      log.error(
        { err, storage: p.storage, errno: errnoOf(err) },
        p.storage === 'no_space' ? 'storage full: a request failed for lack of space' : 'storage error: a request failed',
      );
    } else if (p.status >= 500 && p.code !== 'busy' && p.code !== 'timeout' && p.code !== 'not_implemented') log.error({ err }, 'request failed');
  };
}

/** The first errno/SQLite code along the cause chain, for the log line. */
function errnoOf(err: unknown): string | undefined {
  for (let e = err, i = 0; e && typeof e === 'object' && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^(E[A-Z]+|SQLITE_[A-Z_]+)$/.test(code)) return code;
  }
  return undefined;
}

function isBodyParserError(err: unknown): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    'status' in err &&
    typeof (err as { status: unknown }).status === 'number' &&
    (err as { status: number }).status < 500
  );
}

let fflatePath: string | undefined;
function fflateBrowserFile(): string {
  if (!fflatePath) {
    const main = createRequire(import.meta.url).resolve('fflate');
    let dir = path.dirname(main);
    while (path.basename(dir) !== 'fflate' && dir !== path.dirname(dir)) dir = path.dirname(dir);
    fflatePath = path.join(dir, 'esm', 'browser.js');
  }
  return fflatePath;
}
