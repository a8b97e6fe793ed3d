/**
 * The PostgreSQL pass (`npm run test:pg`, run by `npm test`): one throwaway cluster for the whole
 * pass; each test file gets its own database (test/pg-pass/setup.ts).
 */
import type { TestProject } from 'vitest/node';
import { postgresMissing, startPostgres, type TestPostgres } from '../helpers/postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}

let cluster: TestPostgres | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  cluster = await startPostgres();
  if (!cluster) process.stderr.write(`pg pass: ${postgresMissing}\n`);
  project.provide('pgAdminUrl', cluster ? await cluster.newDatabase('labeller_pgpass_probe') : '');
  return async () => {
    await cluster?.stop();
  };
}
