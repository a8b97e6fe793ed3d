/**
 * One trust policy in every door: TRUST_ANCHORS makes a signer trusted for the REST door, the
 * watch folder and the CLI alike; `--trust-anchors` replaces it for one CLI call.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/startup.js';
import { label } from '../src/core/label.js';
import type { CoreContext } from '../src/core/types.js';
import { startServer, type RunningServer } from '../src/server.js';
import { startWatcher } from '../src/watch/index.js';
import { runCli } from './helpers/cli.js';
import { PEER_FIXTURES, tempDir } from './helpers/context.js';

let dataDir: string;
let roots: string;
let labelled: Buffer;
let ctx: CoreContext;
let srv: RunningServer | undefined;

beforeAll(async () => {
  dataDir = tempDir('labeller-trust-');
  // The development identity is created on first use; its root is then our "trust list".
  const first = await createContext({ config: loadConfig({ DATA_DIR: dataDir } as NodeJS.ProcessEnv), records: false });
  const jpeg = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#357' } })
    .jpeg()
    .toBuffer();
  labelled = (await label(jpeg, {}, first)).bytes;
  roots = path.join(dataDir, 'identity', 'dev-root-ca.pem');
  expect(fs.existsSync(roots)).toBe(true);
  ctx = await createContext({ config: loadConfig({ DATA_DIR: dataDir, TRUST_ANCHORS: roots } as NodeJS.ProcessEnv), records: false });
});

afterAll(async () => {
  await srv?.close();
});

it('REST verify applies TRUST_ANCHORS', async () => {
  const config = loadConfig({
    DATA_DIR: dataDir,
    TRUST_ANCHORS: roots,
    PORT: '0',
    HOST: '127.0.0.1',
    API_KEYS: 'desk:trust-secret-0123456789',
    WATCH_ENABLED: 'false',
    LOG_LEVEL: 'silent',
  } as NodeJS.ProcessEnv);
  srv = await startServer({ config });
  const fd = new FormData();
  fd.append('file', new Blob([new Uint8Array(labelled)]), 'ours.jpg');
  const report = await (await fetch(`${srv.url}/api/v1/verify`, { method: 'POST', body: fd })).json();
  expect(report.c2pa.state).toBe('trusted');
});

it('the watch folder applies TRUST_ANCHORS', async () => {
  const root = tempDir('watch-trust-');
  fs.mkdirSync(path.join(root, 'verify-inbox'), { recursive: true });
  fs.writeFileSync(path.join(root, 'verify-inbox', 'ours.jpg'), labelled);
  const w = await startWatcher(root, ctx, { once: true, stabilityMs: 100 });
  await w.idle();
  await w.stop();
  expect(JSON.parse(fs.readFileSync(path.join(root, 'reports', 'ours.jpg.json'), 'utf8')).c2pa.state).toBe('trusted');
});

it('the CLI applies TRUST_ANCHORS, and --trust-anchors replaces it for one call', () => {
  const file = path.join(tempDir('cli-trust-'), 'ours.jpg');
  fs.writeFileSync(file, labelled);
  const env = { DATA_DIR: dataDir, TRUST_ANCHORS: roots };
  expect(JSON.parse(runCli(['verify', file, '--json'], env).stdout).c2pa.state).toBe('trusted');
  // Other anchors for this call: our root is no longer among them, so the signer is not trusted.
  const other = JSON.parse(runCli(['verify', file, '--json', '--trust-anchors', path.join(PEER_FIXTURES, 'trust/test_cert_root_bundle.pem')], env).stdout);
  expect(other.c2pa.state).toBe('valid');
});
