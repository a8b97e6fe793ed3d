/**
 * `npm start` as an operator runs it: the compiled server in its own process, first start
 * without configured keys, then SIGTERM while a file is being labelled.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, expect, it } from 'vitest';
import { ROOT, tempDir } from './helpers/context.js';

let child: ChildProcessWithoutNullStreams | undefined;

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

it('creates and prints a key once, stores only its hash, and finishes in-flight work on SIGTERM', async () => {
  const dataDir = path.join(tempDir('labeller-proc-'), 'data');
  child = spawn(process.execPath, [path.join(ROOT, 'dist/server.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', WATCH_ENABLED: 'false' },
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));

  await expect.poll(() => /"msg":"labeller listening"/.test(out), { timeout: 30_000, interval: 100 }).toBe(true);
  const url = JSON.parse(out.split('\n').find((l) => l.includes('labeller listening'))!).url as string;
  const key = /API KEY: (\S+)/.exec(out)?.[1];
  expect(key).toMatch(/^lbl_/);

  const stored = path.join(dataDir, 'api-keys.json');
  expect(fs.statSync(stored).mode & 0o077).toBe(0);
  expect(fs.readFileSync(stored, 'utf8')).not.toContain(key!);

  const photo = await sharp({ create: { width: 3000, height: 2000, channels: 3, background: '#777' } })
    .jpeg()
    .toBuffer();
  const fd = new FormData();
  fd.append('file', new Blob([new Uint8Array(photo)]), 'big.jpg');
  const inFlight = fetch(`${url}/api/v1/label`, { method: 'POST', body: fd, headers: { Authorization: `Bearer ${key}` } });
  await new Promise((r) => setTimeout(r, 300));
  child.kill('SIGTERM');
  const res = await inFlight;
  expect(res.status).toBe(200);
  expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(1000);
  expect(await exited).toBe(0);
  expect(out).toContain('"msg":"labeller stopped"');
  // Printed once, at creation: the key is in the banner and nowhere in the JSON logs.
  expect(out.split(key!).length - 1).toBe(1);
});
