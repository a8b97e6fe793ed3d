/**
 * The watch folder on several instances: two compiled services share one PostgreSQL record and
 * one volume, both with the watch folder enabled. Only the instance holding the folder's lease
 * runs it; when that instance is killed with SIGKILL in the middle of a batch, the other takes the
 * lease over, finishes what the dead one left half-done, and labels the rest. Every dropped
 * file ends in outbox/ once, with one record row that describes it, and the chain is intact.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { expect, it } from 'vitest';
import { sha256 } from '../src/domain/hash.js';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/context.js';
import { photoLike } from './helpers/synthetic.js';
import { SIGNER_ENV, sharedRecordSetup } from './helpers/instances.js';
import { postgresMissing } from './helpers/postgres.js';
import { startServiceProcess } from './helpers/service-process.js';

const FILES = 10;
const HOLDS = 'watch folder running (this instance holds its lease)';

const setup = sharedRecordSetup();

it('two instances, one watch folder: the lease holder is killed mid-batch, the other finishes it, each file labelled once', { timeout: 600_000 }, async ({
  skip,
}) => {
  const cluster = setup.cluster();
  if (!cluster) return skip(postgresMissing);
  const url = await cluster.newDatabase('labeller_watch');
  const dataDir = tempDir('labeller-watch-shared-');
  const env = { DATABASE_URL: url, ...SIGNER_ENV, DATA_DIR: dataDir, WATCH_ENABLED: 'true', API_KEYS: 'ops:ops-secret-0123456789abcdef' };
  const a = await startServiceProcess(env);
  setup.running.push(a);
  await expect.poll(() => a.logs().includes(HOLDS), { timeout: 20_000 }).toBe(true);
  const b = await startServiceProcess(env);
  setup.running.push(b);
  // B waits: A holds the lease.
  await new Promise((r) => setTimeout(r, 1500));
  expect(b.logs()).not.toContain(HOLDS);

  const watch = path.join(dataDir, 'watch');
  const outbox = () => fs.readdirSync(path.join(watch, 'outbox')).filter((n) => n.endsWith('.jpg'));
  // Made first, dropped together: A has the whole batch ahead of it when it is killed.
  const pictures = await Promise.all(Array.from({ length: FILES }, (_, n) => photoLike(2000 + n * 8, 1400, n)));
  const dropped = pictures.map((_, n) => `photo-${n}.jpg`);
  for (const [n, name] of dropped.entries()) fs.writeFileSync(path.join(watch, `.drop-${name}`), pictures[n]);
  for (const name of dropped) fs.renameSync(path.join(watch, `.drop-${name}`), path.join(watch, 'inbox', name));
  // Kill A once it has published one and is in the middle of more (its work area holds a job).
  const working = () => fs.readdirSync(path.join(watch, '.work')).some((n) => !n.startsWith('.'));
  await expect.poll(() => outbox().length >= 1 && working(), { timeout: 120_000, interval: 20 }).toBe(true);
  a.child.kill('SIGKILL');
  const labelledByA = outbox().length;
  await expect.poll(() => b.logs().includes(HOLDS), { timeout: 30_000 }).toBe(true);
  await expect.poll(() => outbox().sort(), { timeout: 300_000, interval: 250 }).toEqual([...dropped].sort());
  expect(fs.readdirSync(path.join(watch, 'failed'))).toEqual([]);
  // The inbox holds only its preset folders again.
  expect(fs.readdirSync(path.join(watch, 'inbox')).filter((n) => n.endsWith('.jpg'))).toEqual([]);
  // B first finished what A had left half-done in the work area.
  // B first settled what A had left half-done in the work area (resumed, completed or rolled back to the inbox).
  const recovered = /"event":"watch.recovered",("resumed":\d+,"completed":\d+,"rolledBack":\d+)/.exec(b.logs());
  expect(recovered, 'B recovered nothing').not.toBeNull();
  console.info(`watch: ${labelledByA} labelled by A before the kill, the rest by B (recovery: ${recovered![1]})`);
  expect(labelledByA).toBeLessThan(FILES);

  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const rows = (await db.query<{ job_id: string; output_sha256: string }>("SELECT job_id, output_sha256 FROM records WHERE type = 'label'")).rows;
    expect(rows).toHaveLength(FILES);
    expect(new Set(rows.map((r) => r.job_id)).size).toBe(FILES);
    // Each published file is the one its row describes.
    const published = new Set(outbox().map((n) => sha256(fs.readFileSync(path.join(watch, 'outbox', n)))));
    expect(new Set(rows.map((r) => r.output_sha256))).toEqual(published);
  } finally {
    await db.end();
  }
  // B stops cleanly and gives the lease back.
  b.child.kill('SIGTERM');
  await new Promise<void>((r) => (b.child.exitCode !== null ? r() : b.child.once('exit', () => r())));
  expect(b.child.exitCode).toBe(0);
  const check = runCli(['records', 'check', '--json'], { DATA_DIR: dataDir, DATABASE_URL: url });
  expect(check.code, check.stderr).toBe(0);
  expect(JSON.parse(check.stdout)).toMatchObject({ intact: true });
});
