import { defineConfig } from 'vitest/config';
import { postgresAvailable } from './test/helpers/postgres.js';

const SUITES = [
  'test/http-api.test.ts',
  'test/http-pages-api.test.ts',
  'test/queued-label.test.ts',
  'test/review-core.test.ts',
  'test/review-http.test.ts',
  'test/review-four-eyes.test.ts',
  'test/review-webhook.test.ts',
  'test/review-watch.test.ts',
  'test/privacy-record.test.ts',
  'test/server-watch.test.ts',
  'test/watch-idempotent-record.test.ts',
  'test/security-http.test.ts',
];
const available = postgresAvailable();
if (!available)
  process.stderr.write('PostgreSQL pass skipped: no PostgreSQL here (no initdb on PATH or under /usr/lib/postgresql, and no TEST_DATABASE_URL)\n');

/**
 * The PostgreSQL pass: the suites of the record, the service and the review flow again, with
 * the record on PostgreSQL (test/pg-pass/setup.ts). The record's own behaviour on both stores is
 * test/record-contract.test.ts (main pass); the SQLite store's internals (registry-record,
 * iscc-record) are not run here. The scale-out tests start their own clusters in the main pass.
 */
export default defineConfig({
  test: {
    include: available ? SUITES : [],
    passWithNoTests: true,
    globalSetup: ['test/global-setup.ts', 'test/pg-pass/global.ts'],
    setupFiles: ['test/setup-file.ts', 'test/pg-pass/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
  },
});
