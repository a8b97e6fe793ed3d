/**
 * The one module that talks to PostgreSQL (node-postgres): a pool, transactions, advisory
 * locks and the versioned migrations. Everything else in the record uses the small PgDb
 * interface returned here, as the SQLite store uses database.ts.
 */
import pg from 'pg';
import { LabellerError, errorMessage } from '../domain/errors.js';
import type { Lease } from '../domain/record.js';

/** Rows come back as plain objects; BIGINT (int8) as a number (seqs stay far below 2^53). */
export interface PgQuery {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface PgDb extends PgQuery {
  /** The server and database, without the password, for messages. */
  readonly where: string;
  /**
   * Runs `fn` in one transaction on one connection. `lock` takes a transaction-scoped advisory
   * lock first (released at commit), which serialises every writer that takes the same key.
   */
  transaction<T>(fn: (tx: PgQuery) => Promise<T>, opts?: { lock?: number; readOnly?: boolean }): Promise<T>;
  /**
   * A session advisory lock on its own connection, if free: held until released or until the
   * connection is lost (checked every `checkMs`), when the server frees it for another instance.
   */
  lease(key: number, checkMs?: number): Promise<Lease | undefined>;
  close(): Promise<void>;
}

const INT8 = 20;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** Advisory lock key of the migrations (any instance may start; one migrates, the others wait). */
const MIGRATION_LOCK = 0x6c61_6231;

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** The URL without its password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

export async function openPostgres(url: string, migrations: readonly string[], opts: { max?: number } = {}): Promise<PgDb> {
  const where = redactUrl(url);
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10, types, connectionTimeoutMillis: 10_000 });
  // An idle connection the server dropped (restart, failover) must not crash the process.
  pool.on('error', () => {});
  const db = wrap(pool, where);
  try {
    await migrate(pool, migrations);
  } catch (err) {
    await pool.end().catch(() => {});
    if (err instanceof LabellerError) throw err;
    throw new LabellerError('io_error', `the provenance record at ${where} cannot be opened: ${errorMessage(err)}`, { cause: err });
  }
  return db;
}

function wrap(pool: pg.Pool, where: string): PgDb {
  return {
    where,
    async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
      return (await pool.query(sql, params)).rows as T[];
    },
    async transaction<T>(fn: (tx: PgQuery) => Promise<T>, opts: { lock?: number; readOnly?: boolean } = {}): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query(opts.readOnly ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' : 'BEGIN');
        if (opts.lock !== undefined) await client.query('SELECT pg_advisory_xact_lock($1)', [opts.lock]);
        const tx: PgQuery = { query: async <R>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as R[] };
        const out = await fn(tx);
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    lease: (key, checkMs = 2000) => lease(pool, key, checkMs),
    async close(): Promise<void> {
      await pool.end();
    },
  };
}

async function lease(pool: pg.Pool, key: number, checkMs: number): Promise<Lease | undefined> {
  const client = await pool.connect();
  let lose!: () => void;
  const lost = new Promise<void>((r) => (lose = r));
  const onError = () => lose();
  client.on('error', onError);
  let ok = false;
  try {
    ok = (await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [key])).rows[0]?.ok === true;
  } catch (err) {
    client.off('error', onError);
    client.release(err as Error);
    throw err;
  }
  if (!ok) {
    client.off('error', onError);
    client.release();
    return undefined;
  }
  // A connection the server dropped says so only when used: a light query notices it.
  const timer = setInterval(() => client.query('SELECT 1').catch(() => lose()), checkMs);
  timer.unref();
  let released = false;
  void lost.then(() => clearInterval(timer));
  return {
    lost,
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      const broken = await client.query('SELECT pg_advisory_unlock($1)', [key]).then(
        () => undefined,
        (err: Error) => err,
      );
      client.off('error', onError);
      client.release(broken);
      lose();
    },
  };
}

/**
 * Applies the versions this database has not seen, each in its own transaction, under a
 * session advisory lock: several instances started at once migrate once.
 */
async function migrate(pool: pg.Pool, migrations: readonly string[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
      const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_version');
      const current = rows[0]?.v ?? 0;
      if (current > migrations.length)
        throw new LabellerError(
          'bad_config',
          `the provenance record has schema version ${current}, newer than this program knows (${migrations.length}); upgrade the labeller`,
        );
      for (let version = current + 1; version <= migrations.length; version++) {
        await client.query('BEGIN');
        try {
          await client.query(migrations[version - 1]);
          await client.query('INSERT INTO schema_version (version) VALUES ($1)', [version]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => {});
          throw err;
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    }
  } finally {
    client.release();
  }
}
