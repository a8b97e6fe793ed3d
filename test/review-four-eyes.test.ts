/**
 * Four eyes (REVIEW_FOUR_EYES=true), through the REST door on a real server: an editor cannot
 * approve a file they submitted themselves (403 four_eyes, the job stays pending); another editor
 * can. Without the setting, an editor may approve their own file, as before.
 */
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startServer, type RunningServer } from '../src/server.js';
import { tempDir } from './helpers/context.js';

const DESK = 'desk-secret-0123456789abcdef0';
const CHIEF = 'chief-secret-0123456789abcdef';
let jpeg: Buffer;
const servers: RunningServer[] = [];

async function start(env: Record<string, string>): Promise<RunningServer> {
  const config = loadConfig({
    DATA_DIR: path.join(tempDir('labeller-four-eyes-'), 'data'),
    PORT: '0',
    HOST: '127.0.0.1',
    API_KEYS: `desk:${DESK}:editor,chief:${CHIEF}:editor`,
    WATCH_ENABLED: 'false',
    LOG_LEVEL: 'silent',
    ...env,
  } as NodeJS.ProcessEnv);
  const s = await startServer({ config });
  servers.push(s);
  return s;
}

async function held(s: RunningServer, key: string): Promise<string> {
  const fd = new FormData();
  fd.append('review', 'required');
  fd.append('file', new Blob([new Uint8Array(jpeg)]), 'steppe.jpg');
  const res = await fetch(`${s.url}/api/v1/label`, { method: 'POST', body: fd, headers: { Authorization: `Bearer ${key}` } });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

const approve = (s: RunningServer, id: string, key: string) =>
  fetch(`${s.url}/api/v1/jobs/${id}/approve`, { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: '{}' });

beforeAll(async () => {
  jpeg = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#5b7c99' } })
    .jpeg()
    .toBuffer();
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

it('REVIEW_FOUR_EYES=true: the submitter cannot approve their own file; another editor can', async () => {
  const s = await start({ REVIEW_FOUR_EYES: 'true' });
  const id = await held(s, DESK);
  const own = await approve(s, id, DESK);
  expect(own.status).toBe(403);
  expect(own.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
  const p = (await own.json()) as { code: string; detail: string };
  expect(p.code).toBe('four_eyes');
  expect(p.detail).toContain('"desk" submitted this file');
  const still = (await (await fetch(`${s.url}/api/v1/jobs/${id}`, { headers: { Authorization: `Bearer ${DESK}` } })).json()) as { state: string };
  expect(still.state).toBe('pending_review');

  const other = await approve(s, id, CHIEF);
  expect(other.status).toBe(200);
  expect(((await other.json()) as { state: string }).state).toBe('approved');
});

it('without the setting an editor may approve their own file (the default)', async () => {
  const s = await start({});
  const id = await held(s, DESK);
  expect((await approve(s, id, DESK)).status).toBe(200);
});
