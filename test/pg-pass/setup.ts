/**
 * Runs a suite written for the default record against PostgreSQL instead: every configuration the
 * test file loads gets DATABASE_URL (a fresh database per file) and, since instances sharing a
 * record must sign as one organisation, a configured signer (the c2pa-rs test certificate).
 * Nothing else changes: the same servers, requests and assertions.
 */
import pg from 'pg';
import { afterAll, inject, vi } from 'vitest';
import { SIGNER_ENV } from '../helpers/instances.js';
import { startPostgres } from '../helpers/postgres.js';

const probe = inject('pgAdminUrl');
if (!probe) throw new Error('the PostgreSQL pass needs PostgreSQL (initdb on PATH or under /usr/lib/postgresql, or TEST_DATABASE_URL)');
process.env.TEST_DATABASE_URL = probe;
const server = await startPostgres();
const url = await server!.newDatabase('labeller_pgpass');

vi.mock('../../src/config.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/config.js')>();
  return {
    ...real,
    loadConfig: (env: NodeJS.ProcessEnv = process.env, overrides = {}) =>
      real.loadConfig({ ...(env.SIGNER_CERT ? {} : SIGNER_ENV), DATABASE_URL: url, ...env } as NodeJS.ProcessEnv, overrides),
  };
});

// Proof the file ran on PostgreSQL: its database holds the record's tables (made when the suite opened it).
afterAll(async () => {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const { rows } = await db.query<{ n: string }>("SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'records'");
    if (Number(rows[0].n) !== 1) throw new Error('this suite never opened its record on PostgreSQL: the PostgreSQL pass did not apply');
  } finally {
    await db.end();
  }
});
