/** Several compiled services on one PostgreSQL record, for the scale-out tests. */
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { PEER_FIXTURES } from './context.js';
import { postgresMissing, startPostgres, type TestPostgres } from './postgres.js';
import type { ServiceProcess } from './service-process.js';

/** A configured signing identity (DATABASE_URL requires one): the c2pa-rs test signer. */
export const SIGNER_ENV = {
  SIGNER_CERT: path.join(PEER_FIXTURES, 'trust', 'es256.pub'),
  SIGNER_KEY: path.join(PEER_FIXTURES, 'trust', 'es256.pem'),
};

/**
 * A throwaway cluster for this test file and a list of the services it starts: all killed,
 * and the cluster stopped, after the file. `cluster()` is undefined when there is no PostgreSQL.
 */
export function sharedRecordSetup(): { cluster(): TestPostgres | undefined; running: ServiceProcess[] } {
  let cluster: TestPostgres | undefined;
  const running: ServiceProcess[] = [];
  beforeAll(async () => {
    cluster = await startPostgres();
    if (!cluster) console.warn(postgresMissing);
  });
  afterAll(async () => {
    for (const s of running) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    await cluster?.stop();
  });
  return { cluster: () => cluster, running };
}
