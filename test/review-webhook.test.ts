/**
 * Notifications of review decisions to WEBHOOK_URL (a local listener on 127.0.0.1): job.approved
 * and job.rejected, signed with HMAC-SHA256 over `<timestamp>.<body>`, retried with back-off
 * while the receiver fails, kept across a restart, delivery state on /metrics.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { webhookSignature } from '../src/review/webhook.js';
import { startServer, type RunningServer } from '../src/server.js';
import { tempDir } from './helpers/context.js';

const EDITOR = 'editor-hook-secret-0123456789';
const PIPE = 'pipe-hook-secret-0123456789';
const SECRET = 'hook-shared-secret-0123456789';
let dataDir: string;
let receiver: http.Server;
let hookUrl: string;
let failNext = 0;
let down = false;
const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
let srv: RunningServer;
let jpeg: Buffer;

async function start(): Promise<RunningServer> {
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    API_KEYS: `desk:${EDITOR}:editor,pipeline:${PIPE}`,
    WATCH_ENABLED: 'false',
    LOG_LEVEL: 'silent',
    WEBHOOK_URL: hookUrl,
    WEBHOOK_SECRET: SECRET,
  } as NodeJS.ProcessEnv);
  return startServer({ config, webhook: { baseDelayMs: 50, maxDelayMs: 200 } });
}

async function hold(): Promise<string> {
  const fd = new FormData();
  fd.append('review', 'required');
  fd.append('file', new Blob([new Uint8Array(jpeg)]), 'hook.jpg');
  const res = await fetch(`${srv.url}/api/v1/label`, { method: 'POST', body: fd, headers: { Authorization: `Bearer ${PIPE}` } });
  expect(res.status).toBe(202);
  return (await res.json()).id;
}

const decide = (id: string, what: 'approve' | 'reject', body: object) =>
  fetch(`${srv.url}/api/v1/jobs/${id}/${what}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${EDITOR}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${srv.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(name));
  return line ? Number(line.split(' ').pop()) : Number.NaN;
}

beforeAll(async () => {
  dataDir = path.join(tempDir('labeller-review-hook-'), 'data');
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (down || failNext > 0) {
        failNext = Math.max(0, failNext - 1);
        res.writeHead(503).end();
        return;
      }
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/labeller`;
  jpeg = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#804020' } })
    .jpeg()
    .toBuffer();
  srv = await start();
});

afterAll(async () => {
  await srv?.close();
  await new Promise((r) => receiver.close(r));
});

describe('WEBHOOK_URL', () => {
  it('needs WEBHOOK_SECRET', () => {
    expect(() => loadConfig({ DATA_DIR: dataDir, WEBHOOK_URL: hookUrl } as NodeJS.ProcessEnv)).toThrow(/WEBHOOK_SECRET/);
  });

  it('gets job.approved, signed, after retries while the receiver fails', async () => {
    const id = await hold();
    failNext = 2;
    expect((await decide(id, 'approve', { wording: 'reviewed' })).status).toBe(200);
    await expect.poll(() => received.length, { timeout: 15_000 }).toBe(1);
    const { headers, body } = received[0];
    expect(headers['x-labeller-event']).toBe('job.approved');
    expect(headers['x-labeller-signature']).toBe(webhookSignature(SECRET, String(headers['x-labeller-timestamp']), body));
    const payload = JSON.parse(body);
    expect(payload).toMatchObject({
      event: 'job.approved',
      job: { id, state: 'approved', decision: { by: { key: 'desk', role: 'editor' } }, href: `/api/v1/jobs/${id}` },
    });
    expect(payload.job.output.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(body).not.toContain(EDITOR);
    expect(body).not.toContain(SECRET);
    // The receiver has the request before the deliverer has its answer: the counters follow a moment later.
    await expect.poll(() => metric('labeller_webhook_deliveries{outcome="delivered"}'), { timeout: 10_000 }).toBe(1);
    expect(await metric('labeller_webhook_deliveries{outcome="retried"}')).toBe(2);
    await expect.poll(() => metric('labeller_webhook_pending'), { timeout: 10_000 }).toBe(0);
  });

  it('keeps an undelivered job.rejected across a restart and delivers it once the receiver is back', async () => {
    const id = await hold();
    down = true;
    expect((await decide(id, 'reject', { reason: 'Не тот кадр' })).status).toBe(200);
    await expect.poll(() => metric('labeller_webhook_failing'), { timeout: 10_000 }).toBe(1);
    expect(await metric('labeller_webhook_pending')).toBe(1);
    await srv.close();
    down = false;
    srv = await start();
    await expect.poll(() => received.length, { timeout: 15_000 }).toBe(2);
    const payload = JSON.parse(received[1].body);
    expect(payload).toMatchObject({ event: 'job.rejected', job: { id, state: 'rejected', decision: { reason: 'Не тот кадр' } } });
    expect(received[1].headers['x-labeller-signature']).toBe(webhookSignature(SECRET, String(received[1].headers['x-labeller-timestamp']), received[1].body));
    // Delivered once: no second copy after another pass.
    await new Promise((r) => setTimeout(r, 1500));
    expect(received).toHaveLength(2);
  });
});
