/**
 * Issue 10, item 9: outputs survive a power cut, not only a killed process. Every file renamed
 * into outbox/, failed/, reports/ or originals/ was flushed (fsync) under its temporary name
 * before the rename, and its folder was flushed after it. Observed on the real calls.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CoreContext } from '../src/core/types.js';
import { endExiftool } from '../src/provenance/exiftool.js';
import { startWatcher } from '../src/watch/index.js';
import { tempDir, testContext } from './helpers/context.js';

let ctx: CoreContext;
let jpeg: Buffer;
beforeAll(async () => {
  ctx = await testContext();
  jpeg = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#753' } })
    .jpeg()
    .toBuffer();
});
afterAll(() => endExiftool());
afterEach(() => vi.restoreAllMocks());

/** Records, in order, `sync <path>` for every flushed handle and `rename <from> <to>`. */
function traceIo(): string[] {
  const events: string[] = [];
  const open = fsp.open.bind(fsp);
  vi.spyOn(fsp, 'open').mockImplementation(async (...args: Parameters<typeof fsp.open>) => {
    const fh = await open(...args);
    const sync = fh.sync.bind(fh);
    fh.sync = async () => {
      await sync();
      events.push(`sync ${path.resolve(String(args[0]))}`);
    };
    return fh;
  });
  const rename = fsp.rename.bind(fsp);
  vi.spyOn(fsp, 'rename').mockImplementation(async (from, to) => {
    await rename(from, to);
    events.push(`rename ${path.resolve(String(from))} ${path.resolve(String(to))}`);
  });
  return events;
}

describe('watch folder outputs and power loss', () => {
  it('flushes each output before renaming it into place, and its folder after', async () => {
    const root = fs.realpathSync(tempDir('watch-durable-'));
    for (const f of ['inbox', 'verify-inbox']) fs.mkdirSync(path.join(root, f), { recursive: true });
    fs.writeFileSync(path.join(root, 'inbox/good.jpg'), jpeg);
    fs.writeFileSync(path.join(root, 'inbox/bad.jpg'), jpeg.subarray(0, 300));
    fs.writeFileSync(path.join(root, 'verify-inbox/check.jpg'), jpeg);
    const events = traceIo();
    const w = await startWatcher(root, ctx, { once: true, stabilityMs: 0, concurrency: 1 });
    await w.idle();
    await w.stop();
    vi.restoreAllMocks();

    const finals = ['outbox/good.jpg', 'outbox/good.jpg.json', 'failed/bad.jpg.error.json', 'originals/bad.jpg', 'reports/check.jpg.json'];
    for (const rel of finals) {
      const to = path.join(root, rel);
      expect(fs.statSync(to).size, rel).toBeGreaterThan(0);
      const at = events.findIndex((e) => e.startsWith('rename ') && e.endsWith(` ${to}`));
      expect(at, `${rel} renamed into place`).toBeGreaterThan(-1);
      const from = events[at].split(' ')[1];
      expect(path.basename(from), rel).toMatch(/^\.[0-9a-f]{16}\.\d+\.part$/);
      expect(events.slice(0, at), `${rel}: its temporary flushed before the rename`).toContain(`sync ${from}`);
      expect(events.slice(at + 1), `${rel}: its folder flushed after the rename`).toContain(`sync ${path.dirname(to)}`);
    }
  });
});
