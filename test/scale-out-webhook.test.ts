/**
 * Webhooks from several instances: two services share one PostgreSQL database and one data
 * volume, and both have WEBHOOK_URL. Decisions taken on either instance are delivered through
 * the shared queue: each exactly once although both instances deliver, retried while the
 * receiver fails, and none left pending.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterAll, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startServer, type RunningServer } from '../src/server.js';
import { tempDir } from './helpers/context.js';
import { SIGNER_ENV, sharedRecordSetup } from './helpers/instances.js';
import { postgresMissing } from './helpers/postgres.js';

const EDITOR = 'editor-hook-secret-0123456789';
const PIPE = 'pipe-hook-secret-0123456789';
const SECRET = 'hook-shared-secret-0123456789';

const setup = sharedRecordSetup();
const servers: RunningServer[] = [];
let receiver: http.Server | undefined;

afterAll(async () => {
  for (const s of servers) await s.close();
  if (receiver) await new Promise((r) => receiver!.close(r));
});

it('two instances with WEBHOOK_URL: every decision delivered once, through the shared queue', { timeout: 120_000 }, async ({ skip }) => {
  const cluster = setup.cluster();
  if (!cluster) return skip(postgresMissing);
  let failNext = 3;
  const deliveries: string[] = [];
  receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (failNext > 0) {
        failNext--;
        res.writeHead(503).end();
        return;
      }
      deliveries.push(String(req.headers['x-labeller-delivery']));
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver!.listen(0, '127.0.0.1', () => r()));
  const env = {
    DATABASE_URL: await cluster.newDatabase('labeller_hooks'),
    ...SIGNER_ENV,
    DATA_DIR: tempDir('labeller-hooks-shared-'),
    PORT: '0',
    HOST: '127.0.0.1',
    API_KEYS: `desk:${EDITOR}:editor,pipeline:${PIPE}`,
    WATCH_ENABLED: 'false',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_PER_MINUTE: '0',
    WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`,
    WEBHOOK_SECRET: SECRET,
  };
  for (let i = 0; i < 2; i++) servers.push(await startServer({ config: loadConfig(env as NodeJS.ProcessEnv), webhook: { baseDelayMs: 0 } }));
  const [a, b] = servers;
  const jpeg = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#204080' } })
    .jpeg()
    .toBuffer();

  const ids: string[] = [];
  for (let n = 0; n < 6; n++) {
    const fd = new FormData();
    fd.append('review', 'required');
    fd.append('file', new Blob([new Uint8Array(jpeg)]), `hook-${n}.jpg`);
    const res = await fetch(`${a.url}/api/v1/label`, { method: 'POST', body: fd, headers: { Authorization: `Bearer ${PIPE}` } });
    expect(res.status).toBe(202);
    ids.push(((await res.json()) as { id: string }).id);
  }
  for (const [n, id] of ids.entries()) {
    const on = n % 2 ? b : a;
    const what = n < 3 ? 'approve' : 'reject';
    const res = await fetch(`${on.url}/api/v1/jobs/${id}/${what}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${EDITOR}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(what === 'reject' ? { reason: 'not this one' } : {}),
    });
    expect(res.status).toBe(200);
  }
  const expected = ids.map((id, n) => `${id}.${n < 3 ? 'approved' : 'rejected'}`).sort();
  await expect.poll(() => [...deliveries].sort(), { timeout: 60_000, interval: 200 }).toEqual(expected);
  // Both instances kept passing over the outbox: still one delivery each.
  await new Promise((r) => setTimeout(r, 2500));
  expect([...deliveries].sort()).toEqual(expected);
  expect(failNext).toBe(0);
});
