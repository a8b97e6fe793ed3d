/**
 * Several instances, one record: two compiled services (dist/server.js) on two ports share a
 * PostgreSQL record and its API keys. 200 labels are spread over both while one is killed
 * with SIGKILL and started again. Afterwards every request either succeeded once (its record
 * row is there, once) or failed with a clear error, no row is written twice, the chain has no
 * fork or gap, and `labeller records check` passes.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { FIXTURES, tempDir } from './helpers/context.js';
import { SIGNER_ENV, sharedRecordSetup } from './helpers/instances.js';
import { postgresMissing } from './helpers/postgres.js';
import { type ServiceProcess, startServiceProcess } from './helpers/service-process.js';

const LABELS = 200;
const IN_FLIGHT = 6;

const setup = sharedRecordSetup();
const running = setup.running;

type Outcome = { ok: true; recordId: string; instance: string } | { ok: false; error: string; instance: string };

it('two instances on one PostgreSQL record: 200 labels, one instance SIGKILLed and restarted, no duplicate rows, the chain intact', {
  timeout: 600_000,
}, async ({ skip }) => {
  const cluster = setup.cluster();
  if (!cluster) return skip(postgresMissing);
  const url = await cluster.newDatabase('labeller_scale');
  const shared = { DATABASE_URL: url, ...SIGNER_ENV, RATE_LIMIT_PER_MINUTE: '0', MAX_CONCURRENT_JOBS: '2' };
  const dirA = tempDir('labeller-scale-a-');
  const dirB = tempDir('labeller-scale-b-');
  const a = await startServiceProcess({ ...shared, DATA_DIR: dirA });
  running.push(a);
  // No API_KEYS: the first instance creates the operator's key in the shared database; the second reads it.
  const key = /API KEY: (\S+)/.exec(a.logs())?.[1];
  expect(key, a.logs()).toBeDefined();
  let b = await startServiceProcess({ ...shared, DATA_DIR: dirB });
  running.push(b);
  expect(b.logs()).not.toContain('API KEY');

  const image = fs.readFileSync(path.join(FIXTURES, 'images', 'white.jpg'));
  const labelOn = async (service: ServiceProcess, name: string): Promise<Outcome> => {
    const fd = new FormData();
    fd.append('file', new Blob([image], { type: 'image/jpeg' }), 'white.jpg');
    try {
      const res = await fetch(`${service.url}/api/v1/label`, { method: 'POST', body: fd, headers: { Authorization: `Bearer ${key}` } });
      const body = Buffer.from(await res.arrayBuffer());
      if (res.status === 200 && res.headers.get('x-record-id')) return { ok: true, recordId: res.headers.get('x-record-id')!, instance: name };
      return { ok: false, error: `HTTP ${res.status} ${body.toString('utf8').slice(0, 200)}`, instance: name };
    } catch (err) {
      return { ok: false, error: String((err as Error).cause ?? err), instance: name };
    }
  };

  const outcomes: Outcome[] = [];
  let next = 0;
  let killedAt = -1;
  let restarting: Promise<void> | undefined;
  const worker = async () => {
    while (next < LABELS) {
      const n = next++;
      // One in three requests to A, the rest to B (or to B's successor once it is back).
      const toB = n % 3 !== 0;
      if (n === 80 && killedAt < 0) {
        killedAt = n;
        b.child.kill('SIGKILL');
        restarting = new Promise<void>((resolve) => b.child.once('exit', () => resolve())).then(async () => {
          b = await startServiceProcess({ ...shared, DATA_DIR: dirB });
          running.push(b);
        });
      }
      outcomes[n] = await labelOn(toB ? b : a, toB ? `b${running.length}` : 'a');
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  await restarting;
  // A few more on the restarted instance: it serves the same record.
  for (let i = 0; i < 5; i++) outcomes.push(await labelOn(b, 'b-restarted'));

  const ok = outcomes.filter((o): o is Extract<Outcome, { ok: true }> => o.ok);
  const failed = outcomes.filter((o): o is Extract<Outcome, { ok: false }> => !o.ok);
  // Failures are the requests the killed instance had or was sent while down: refused, reset or broken
  // connections (EPIPE: killed while the upload was being written), never a wrong answer.
  for (const f of failed) expect(f.error, JSON.stringify(f)).toMatch(/ECONNREFUSED|ECONNRESET|EPIPE|socket|other side closed|terminated|fetch failed/i);
  expect(failed.every((f) => f.instance !== 'a')).toBe(true);
  expect(outcomes.filter((o) => o.instance === 'b-restarted').every((o) => o.ok)).toBe(true);
  expect(ok.length).toBeGreaterThanOrEqual(LABELS / 3);
  expect(new Set(ok.map((o) => o.instance)).size).toBeGreaterThanOrEqual(3); // a, b, and b's successor

  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const rows = (await db.query<{ id: string; seq: string }>("SELECT id, seq FROM records WHERE type = 'label' ORDER BY seq")).rows;
    const ids = rows.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    // Every success has its row, once; rows beyond them are requests the kill cut off after their write (at most those in flight).
    for (const o of ok)
      expect(
        ids.filter((id) => id === o.recordId),
        o.recordId,
      ).toHaveLength(1);
    expect(ids.length - ok.length).toBeLessThanOrEqual(IN_FLIGHT);
    console.info(`scale-out: ${ok.length} labelled, ${failed.length} failed clearly, ${ids.length} label rows`);
    const seqs = (await db.query<{ seq: string }>('SELECT seq FROM records ORDER BY seq')).rows.map((r) => Number(r.seq));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  } finally {
    await db.end();
  }
  const check = runCli(['records', 'check', '--json'], { DATA_DIR: dirA, DATABASE_URL: url });
  expect(check.code, check.stderr).toBe(0);
  expect(JSON.parse(check.stdout)).toMatchObject({ intact: true });
});
