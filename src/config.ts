/**
 * One validated configuration object, read once at start from (lowest to highest priority)
 * built-in defaults, a JSON config file, and environment variables.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { LabellerError } from './domain/errors.js';
import { DEFAULT_PROFILE, PROFILE_IDS } from './domain/profiles/types.js';

const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);

const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])]).transform((v) => v === true || v === 'true' || v === '1' || v === 'yes');

export const ConfigSchema = z.object({
  dataDir: z.string().min(1).default('./data'),
  port: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Loopback by default: the container image sets HOST=0.0.0.0 itself. */
  host: z.string().default('127.0.0.1'),
  /** The organisation that signs: shown as the signer in every manifest. */
  organisation: z.string().min(1).max(200).default('Development newsroom'),
  /** PEM certificate chain (signer first) and PKCS#8 key of a real signing identity. */
  signerCert: z.string().optional(),
  signerKey: z.string().optional(),
  /**
   * ES module exporting `sign(data: Buffer): Promise<Buffer>` (raw signature bytes): the hook for
   * a KMS or HSM. Used with SIGNER_CERT (the chain) instead of SIGNER_KEY.
   */
  signerModule: z.string().optional(),
  signerAlg: z.enum(['es256', 'es384', 'es512', 'ps256', 'ps384', 'ps512', 'ed25519']).default('es256'),
  /** RFC 3161 timestamp authority URL, used only when signing with a configured identity. */
  tsaUrl: z.string().url().optional(),
  /** PEM bundle of trust anchors for verification (newsroom CA, C2PA trust list...). */
  trustAnchors: z.string().optional(),
  /** Hosts from which a remote manifest may be fetched during verification. Empty = never. */
  remoteManifestHosts: csv.or(z.array(z.string())).default([]),
  defaultLanguages: csv.or(z.array(z.string())).default(['kk', 'ru']),
  /** The labelling rule when a request names none (src/domain/profiles). */
  defaultProfile: z.enum(PROFILE_IDS).default(DEFAULT_PROFILE),
  jpegQuality: z.coerce.number().int().min(1).max(100).default(92),
  maxPixels: z.coerce.number().int().positive().default(120_000_000),
  maxUploadBytes: z.coerce
    .number()
    .int()
    .positive()
    .default(50 * 1024 * 1024),
  maxConcurrentJobs: z.coerce.number().int().positive().default(4),
  requestTimeoutMs: z.coerce.number().int().positive().default(120_000),
  /** `name:secret,name2:secret2`. Empty: the first start creates one under DATA_DIR. */
  apiKeys: z.string().optional(),
  verifyRequiresKey: bool.default(false),
  watchDir: z.string().optional(),
  watchEnabled: bool.default(true),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  retentionDays: z.coerce.number().int().min(0).default(0),
  /** Prompt texts (kept outside the record's chain) are erased this many days after their labelling; 0 keeps them. */
  promptRetentionDays: z.coerce.number().int().min(0).default(0),
  /** Slow clients: no body byte for this long → 408; the whole body within UPLOAD_TIMEOUT_MS at UPLOAD_MIN_BYTES_PER_S. */
  uploadIdleTimeoutMs: z.coerce.number().int().positive().default(10_000),
  uploadTimeoutMs: z.coerce.number().int().positive().default(300_000),
  uploadMinBytesPerS: z.coerce.number().int().min(0).default(2048),
  /** Uploads being received at once, in all and per client address (beyond: 503 / 429). */
  maxUploads: z.coerce.number().int().positive().default(32),
  maxUploadsPerClient: z.coerce.number().int().positive().default(4),
  /** Requests per minute per API key, and anonymous verifications per minute per client address (0 = no limit). */
  rateLimitPerMinute: z.coerce.number().int().min(0).default(120),
  anonVerifyPerMinute: z.coerce.number().int().min(0).default(30),
  /** /readyz is not ready below this much free space in DATA_DIR. */
  minFreeBytes: z.coerce
    .number()
    .int()
    .min(0)
    .default(64 * 1024 * 1024),
  /** Every label is held for an editor's approval before it is released (per request: review=required). */
  reviewRequired: bool.default(false),
  /** Four eyes: nobody approves a file they submitted themselves (the same key; the CLI is one operator). */
  reviewFourEyes: bool.default(false),
  /** A held draft (and an approved output) is deleted this many days after it was made. */
  reviewTtlDays: z.coerce.number().int().min(1).max(3650).default(14),
  /** Operator-configured only: receives job.approved / job.rejected, signed with WEBHOOK_SECRET. */
  webhookUrl: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL')
    .optional(),
  webhookSecret: z.string().min(16, 'must be at least 16 characters').optional(),
  /** postgres://… : the record on PostgreSQL, shared by several instances (unset: SQLite under DATA_DIR). */
  databaseUrl: z
    .string()
    .refine((u) => /^postgres(ql)?:\/\//i.test(u), 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** A queued job (POST /api/v1/label with Prefer: respond-async) that runs longer is taken as lost and retried. */
  queueJobExpiryS: z.coerce.number().int().min(5).max(86_000).default(900),
  /** How often the PostgreSQL queue looks for the jobs of a killed instance (and runs its schedules). */
  queueMaintenanceS: z.coerce.number().int().min(1).max(3600).default(30),
  /** A queued job's files (input, labelled output) are deleted this many hours after it ends. */
  workTtlHours: z.coerce.number().int().min(1).max(8760).default(24),
  /** The invisible watermark's secret: 64 hex digits, or `off` (unset: generated into DATA_DIR/watermark.key). Never logged. */
  watermarkKey: z
    .string()
    .refine((k) => k === 'off' || /^[0-9a-fA-F]{64}$/.test(k), 'must be 64 hex digits (32 bytes) or off')
    .optional(),
});

export type Config = z.infer<typeof ConfigSchema>;

/** Environment variable → config key. The names are a public contract. */
const ENV_KEYS: Record<string, keyof Config> = {
  DATA_DIR: 'dataDir',
  PORT: 'port',
  HOST: 'host',
  ORGANISATION: 'organisation',
  SIGNER_CERT: 'signerCert',
  SIGNER_KEY: 'signerKey',
  SIGNER_ALG: 'signerAlg',
  SIGNER_MODULE: 'signerModule',
  TSA_URL: 'tsaUrl',
  TRUST_ANCHORS: 'trustAnchors',
  REMOTE_MANIFEST_HOSTS: 'remoteManifestHosts',
  DEFAULT_LANGUAGES: 'defaultLanguages',
  DEFAULT_PROFILE: 'defaultProfile',
  JPEG_QUALITY: 'jpegQuality',
  MAX_PIXELS: 'maxPixels',
  MAX_UPLOAD_BYTES: 'maxUploadBytes',
  MAX_CONCURRENT_JOBS: 'maxConcurrentJobs',
  REQUEST_TIMEOUT_MS: 'requestTimeoutMs',
  API_KEYS: 'apiKeys',
  VERIFY_REQUIRES_KEY: 'verifyRequiresKey',
  WATCH_DIR: 'watchDir',
  WATCH_ENABLED: 'watchEnabled',
  LOG_LEVEL: 'logLevel',
  RETENTION_DAYS: 'retentionDays',
  PROMPT_RETENTION_DAYS: 'promptRetentionDays',
  UPLOAD_IDLE_TIMEOUT_MS: 'uploadIdleTimeoutMs',
  UPLOAD_TIMEOUT_MS: 'uploadTimeoutMs',
  UPLOAD_MIN_BYTES_PER_S: 'uploadMinBytesPerS',
  MAX_UPLOADS: 'maxUploads',
  MAX_UPLOADS_PER_CLIENT: 'maxUploadsPerClient',
  RATE_LIMIT_PER_MINUTE: 'rateLimitPerMinute',
  ANON_VERIFY_PER_MINUTE: 'anonVerifyPerMinute',
  MIN_FREE_BYTES: 'minFreeBytes',
  REVIEW_REQUIRED: 'reviewRequired',
  REVIEW_FOUR_EYES: 'reviewFourEyes',
  REVIEW_TTL_DAYS: 'reviewTtlDays',
  WEBHOOK_URL: 'webhookUrl',
  WEBHOOK_SECRET: 'webhookSecret',
  DATABASE_URL: 'databaseUrl',
  WATERMARK_KEY: 'watermarkKey',
  QUEUE_JOB_EXPIRY_S: 'queueJobExpiryS',
  QUEUE_MAINTENANCE_S: 'queueMaintenanceS',
  WORK_TTL_HOURS: 'workTtlHours',
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Record<keyof Config, unknown>> = {}): Config {
  const file = env.LABELLER_CONFIG ?? (fs.existsSync('labeller.config.json') ? 'labeller.config.json' : undefined);
  let fromFile: Record<string, unknown> = {};
  if (file) {
    try {
      fromFile = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new LabellerError('bad_config', `Cannot read config file ${file}: ${(err as Error).message}`);
    }
  }
  const fromEnv: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(ENV_KEYS)) {
    const v = env[name];
    if (v !== undefined && v !== '') fromEnv[key] = v;
  }
  const parsed = ConfigSchema.safeParse({ ...fromFile, ...fromEnv, ...stripUndefined(overrides) });
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${envNameOf(String(i.path[0]))}: ${i.message}`).join('; ');
    throw new LabellerError('bad_config', `Invalid configuration: ${issues}`);
  }
  const cfg = parsed.data;
  cfg.dataDir = path.resolve(cfg.dataDir);
  const badLang = cfg.defaultLanguages.find((l) => !['kk', 'ru', 'en'].includes(l));
  if (badLang) throw new LabellerError('bad_config', `Invalid configuration: DEFAULT_LANGUAGES has "${badLang}"; expected kk, ru or en`);
  if (cfg.signerModule && cfg.signerKey) throw new LabellerError('bad_config', 'Invalid configuration: set SIGNER_KEY or SIGNER_MODULE, not both');
  if (!!cfg.signerCert !== !!(cfg.signerKey || cfg.signerModule)) {
    throw new LabellerError('bad_config', 'Invalid configuration: SIGNER_CERT needs SIGNER_KEY (or SIGNER_MODULE), and they need SIGNER_CERT');
  }
  if (cfg.webhookUrl && !cfg.webhookSecret)
    throw new LabellerError('bad_config', 'Invalid configuration: WEBHOOK_URL needs WEBHOOK_SECRET (the receiver checks the signature with it)');
  return cfg;
}

function envNameOf(key: string): string {
  return Object.entries(ENV_KEYS).find(([, k]) => k === key)?.[0] ?? key;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
