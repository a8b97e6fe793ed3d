import { Reader } from '@contentauth/c2pa-node';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startServer, type RunningServer } from '../src/server.js';
import { FIXTURES, tempDir } from './helpers/context.js';

let srv: RunningServer;
let watchDir: string;

beforeAll(async () => {
  const dataDir = tempDir('labeller-svc-watch-');
  watchDir = path.join(dataDir, 'watch');
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    API_KEYS: 'desk:0123456789abcdef0123',
    LOG_LEVEL: 'silent',
  } as NodeJS.ProcessEnv);
  srv = await startServer({ config, logStream: { write: () => true } as never });
});
afterAll(async () => srv?.close());

async function waitFor<T>(probe: () => T | undefined, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
}

it('npm start runs the watch folder on DATA_DIR/watch, records its work and counts it in /metrics', async () => {
  fs.copyFileSync(path.join(FIXTURES, 'images/white.jpg'), path.join(watchDir, 'inbox', 'desk-photo.jpg'));
  const out = path.join(watchDir, 'outbox', 'desk-photo.jpg');
  await waitFor(() => (fs.existsSync(out) && fs.existsSync(out + '.json') ? true : undefined));
  const reader = await Reader.fromAsset({ buffer: fs.readFileSync(out), mimeType: 'image/jpeg' }, { verify: { remote_manifest_fetch: false } } as never);
  expect(reader?.json().validation_state).toBe('Valid');

  const records = await srv.ctx.records!.list({ actor: 'watch' });
  expect(records.items.map((r) => r.door)).toEqual(['watch']);

  const metrics = await (await fetch(`${srv.url}/metrics`)).text();
  expect(metrics).toMatch(/^labeller_watch_processed 1$/m);
  expect(metrics).toMatch(/^labeller_watch_failed 0$/m);
});
