import pg from 'pg';
import sharp from 'sharp';
import { expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/context.js';
import { SIGNER_ENV, sharedRecordSetup } from './helpers/instances.js';
import { postgresMissing } from './helpers/postgres.js';
import { type ServiceProcess, startServiceProcess } from './helpers/service-process.js';

const EDITOR = 'editor-secret-0123456789';
const PIPE = 'pipe-secret-0123456789ab';

const setup = sharedRecordSetup();
const running = setup.running;

it('a file held on one instance is approved and served by the other, once', { timeout: 300_000 }, async ({ skip }) => {
  const cluster = setup.cluster();
  if (!cluster) return skip(postgresMissing);
  const url = await cluster.newDatabase('labeller_scale_review');
  const dataDir = tempDir('labeller-scale-review-');
  const env = {
    DATABASE_URL: url,
    DATA_DIR: dataDir,
    ...SIGNER_ENV,
    API_KEYS: `desk:${EDITOR}:editor,pipeline:${PIPE}`,
  };
  const [a, b] = [await startServiceProcess(env), await startServiceProcess(env)];
  running.push(a, b);
  const auth = (k: string) => ({ Authorization: `Bearer ${k}` });

  const fd = new FormData();
  fd.append('review', 'required');
  fd.append(
    'file',
    new Blob([
      await sharp({ create: { width: 640, height: 480, channels: 3, background: '#7a4' } })
        .jpeg()
        .toBuffer(),
    ]),
    'photo.jpg',
  );
  const held = await fetch(`${a.url}/api/v1/label`, { method: 'POST', body: fd, headers: auth(PIPE) });
  expect(held.status).toBe(202);
  const { id } = (await held.json()) as { id: string };
  expect((await (await fetch(`${b.url}/api/v1/jobs/${id}`, { headers: auth(PIPE) })).json()).state).toBe('pending_review');

  const approve = (s: ServiceProcess) =>
    fetch(`${s.url}/api/v1/jobs/${id}/approve`, { method: 'POST', headers: { ...auth(EDITOR), 'Content-Type': 'application/json' }, body: '{}' });
  const decisions = await Promise.all([approve(a), approve(b)]);
  // One editor's approval releases the file; the other is told it was decided already (its own output removed, never the winner's).
  expect(decisions.map((r) => r.status).sort()).toEqual([200, 409]);

  const fromA = Buffer.from(await (await fetch(`${a.url}/api/v1/jobs/${id}/output`, { headers: auth(PIPE) })).arrayBuffer());
  const fromB = Buffer.from(await (await fetch(`${b.url}/api/v1/jobs/${id}/output`, { headers: auth(PIPE) })).arrayBuffer());
  expect(fromA.length).toBeGreaterThan(1000);
  expect(fromB.equals(fromA)).toBe(true);

  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const rows = (await db.query<{ type: string; data: string }>('SELECT type, data FROM records ORDER BY seq')).rows;
    const events = rows.filter((r) => r.type === 'review').map((r) => JSON.parse(r.data).event);
    expect(events.filter((e) => e === 'submitted')).toHaveLength(1);
    expect(events.filter((e) => e === 'approved')).toHaveLength(1);
    expect(rows.filter((r) => r.type === 'label')).toHaveLength(1);
  } finally {
    await db.end();
  }
  const check = runCli(['records', 'check', '--json'], { DATA_DIR: dataDir, DATABASE_URL: url });
  expect(check.code, check.stderr).toBe(0);
});
