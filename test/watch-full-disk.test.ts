/**
 * Issue 10, item 7 (watch folder): on a full disk the worker halts loudly (an error log line,
 * health() for /readyz and /metrics), takes no more files, and resumes by itself once it can
 * write again; the stopped job completes through recovery, once. A real full filesystem (a
 * 1 MB tmpfs) when this machine lets the test mount one, and an injected ENOSPC always.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreContext } from '../src/core/types.js';
import { endExiftool } from '../src/provenance/exiftool.js';
import type { SqliteRegistry } from '../src/registry/index.js';
import { startWatcher, type Watcher } from '../src/watch/index.js';
import { tempDir, testContext } from './helpers/context.js';

let ctx: CoreContext;
let jpeg: Buffer;
let mounted: string | undefined;
beforeAll(async () => {
  ctx = await testContext();
  jpeg = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#579' } })
    .jpeg()
    .toBuffer();
  const dir = tempDir('watch-tmpfs-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir], { stdio: 'ignore' });
    mounted = dir;
  } catch {
    /* not allowed here (not root, or no mount in this sandbox): the injected fault still runs */
  }
});
afterAll(async () => {
  if (mounted) execFileSync('umount', ['-l', mounted], { stdio: 'ignore' });
  await ctx.records?.close();
  await endExiftool();
});

type Line = { level: number; event?: string; reason?: string; msg: string };
function capture(): { logger: Logger; lines: Line[] } {
  const lines: Line[] = [];
  return { lines, logger: pino({ level: 'debug' }, { write: (l: string) => void lines.push(JSON.parse(l)) }) };
}

async function until(what: string, ok: () => boolean, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
// Visible names only: a stopped job's hidden temporaries wait there for recovery.
const outbox = (root: string) =>
  fs
    .readdirSync(path.join(root, 'outbox'))
    .filter((n) => !n.startsWith('.'))
    .sort();

describe('the watch folder on a full disk', () => {
  it('halts with a log line and a health state, takes nothing more, and resumes when space returns (injected ENOSPC)', { timeout: 90_000 }, async () => {
    const root = tempDir('watch-full-');
    const { logger, lines } = capture();
    let full = true;
    let thrown = false;
    const w: Watcher = await startWatcher(root, ctx, {
      stabilityMs: 100,
      rescanMs: 200,
      resumeProbeMs: 100,
      logger,
      hooks: {
        at(p) {
          if (p === 'job:temps-written' && !thrown) {
            thrown = true;
            throw enospc();
          }
          if (p === 'watch:probe' && full) throw enospc();
        },
      },
    });
    try {
      fs.writeFileSync(path.join(root, 'inbox/first.jpg'), jpeg);
      await until('the halt', () => w.isHalted());
      const halted = lines.find((l) => l.event === 'watch.halted')!;
      expect(halted.level).toBe(50); // error
      expect(halted.reason).toMatch(/ENOSPC/);
      const health = w.health();
      expect(health).toMatchObject({ halted: true, code: 'ENOSPC', reason: expect.stringMatching(/no space left/) });
      expect(Date.parse(health.since!)).toBeGreaterThan(Date.now() - 60_000);

      // While halted, a new file stays where it was dropped.
      fs.writeFileSync(path.join(root, 'inbox/second.jpg'), jpeg);
      await new Promise((r) => setTimeout(r, 800));
      expect(fs.existsSync(path.join(root, 'inbox/second.jpg'))).toBe(true);
      expect(w.isHalted()).toBe(true);
      expect(outbox(root)).toEqual([]);

      full = false; // space is back
      await until('both files', () => outbox(root).length === 4);
      // Outputs are published before the job's folder is removed: wait for the job to end.
      await until('the jobs to end', () => fs.readdirSync(path.join(root, '.work')).length === 0);
      expect(outbox(root)).toEqual(['first.jpg', 'first.jpg.json', 'second.jpg', 'second.jpg.json']);
      expect(w.health()).toEqual({ halted: false });
      expect(lines.some((l) => l.event === 'watch.resumed')).toBe(true);
      expect(fs.readdirSync(path.join(root, '.work'))).toEqual([]);
      expect(fs.readdirSync(path.join(root, 'outbox')).filter((n) => n.startsWith('.'))).toEqual([]); // swept
      // The stopped job was redone, not recorded twice.
      const rows = (ctx.records as SqliteRegistry).db.prepare("SELECT count(*) AS n FROM records WHERE door = 'watch' AND type = 'label'").get() as {
        n: number;
      };
      expect(rows.n).toBe(2);
    } finally {
      await w.stop();
    }
  });

  it('on a real full filesystem: halts, then completes the stopped job once files can be written again', { timeout: 90_000 }, async (t) => {
    if (!mounted) return t.skip();
    const root = path.join(mounted, 'watch');
    const { logger, lines } = capture();
    const w = await startWatcher(root, ctx, { stabilityMs: 300, rescanMs: 200, resumeProbeMs: 100, logger });
    try {
      const input = await sharp({ create: { width: 400, height: 400, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
        .jpeg({ quality: 95 })
        .toBuffer();
      expect(input.length).toBeGreaterThan(100_000); // outputs need more room than is left below
      fs.writeFileSync(path.join(root, 'inbox/noise.jpg'), input);
      // Fill the disk, then free 64 KB: enough to claim the file, not to write its outputs.
      const filler = path.join(mounted, 'filler');
      const fd = fs.openSync(filler, 'w');
      let size = 0;
      try {
        for (;;) size += fs.writeSync(fd, Buffer.alloc(4096));
      } catch (err) {
        expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
      }
      fs.ftruncateSync(fd, Math.max(0, size - 64 * 1024));
      fs.closeSync(fd);

      await until('the halt', () => w.isHalted());
      expect(w.health()).toMatchObject({ halted: true, code: 'ENOSPC' });
      expect(lines.find((l) => l.event === 'watch.halted')).toMatchObject({ level: 50, reason: expect.stringMatching(/ENOSPC/) });
      await new Promise((r) => setTimeout(r, 500));
      expect(w.isHalted()).toBe(true); // the probe cannot write either

      fs.rmSync(filler);
      await until('the output', () => fs.existsSync(path.join(root, 'outbox/noise.jpg.json')));
      await until('the job to end', () => fs.readdirSync(path.join(root, '.work')).length === 0);
      expect(w.isHalted()).toBe(false);
      expect(fs.readFileSync(path.join(root, 'originals/noise.jpg')).equals(input)).toBe(true);
      expect(fs.readdirSync(path.join(root, '.work'))).toEqual([]);
      expect(fs.readdirSync(path.join(root, 'failed'))).toEqual([]); // the disk's fault is not the file's
    } finally {
      await w.stop();
    }
  });
});
