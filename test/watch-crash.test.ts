/**
 * The "done when": the worker runs as a child process, a mixed batch is dropped
 * (good images, hostile files, a file written slowly), the worker is killed with SIGKILL
 * mid-batch, restarted, and every file must end up exactly once where it belongs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Reader } from '@contentauth/c2pa-node';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from './helpers/context.js';

const BIN = path.join(ROOT, 'bin/labeller.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const files = (dir: string) =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => fs.statSync(path.join(dir, f)).isFile())
        .sort()
    : [];

function runWatch(root: string, dataDir: string, extra: string[] = []): ChildProcess {
  return spawn(process.execPath, [BIN, 'watch', root, '--stable-ms', '600', '--concurrency', '2', ...extra], {
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('watch folder worker killed with SIGKILL mid-batch', () => {
  it('leaves every dropped file labelled once or failed with a reason, originals intact, no temporaries', { timeout: 120_000 }, async () => {
    const root = tempDir('watch-kill-');
    const dataDir = tempDir('watch-kill-data-');
    const inbox = path.join(root, 'inbox');
    fs.mkdirSync(inbox, { recursive: true });

    const dropped = new Map<string, Buffer>();
    const good: string[] = [];
    for (let i = 0; i < 10; i++) {
      const img = sharp({ create: { width: 900 + i * 10, height: 700, channels: 3, background: { r: 20 * i, g: 120, b: 200 - 10 * i } } });
      const name = i % 2 ? `good-${i}.png` : `good-${i}.jpg`;
      dropped.set(name, await (i % 2 ? img.png() : img.jpeg()).toBuffer());
      good.push(name);
    }
    const truncated = dropped.get('good-0.jpg')!.subarray(0, 2000);
    const hostile: Record<string, Buffer> = {
      'empty.jpg': Buffer.alloc(0),
      'truncated.jpg': truncated,
      'script.svg': Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      'random.png': Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251)),
    };
    for (const [n, b] of Object.entries(hostile)) dropped.set(n, b);
    for (const [n, b] of dropped) fs.writeFileSync(path.join(inbox, n), b);

    const first = runWatch(root, dataDir);
    // A slowly written file: chunks over about 2 s, while the worker runs.
    const slow = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#c84' } })
      .jpeg()
      .toBuffer();
    dropped.set('slow.jpg', slow);
    good.push('slow.jpg');
    const fd = fs.openSync(path.join(inbox, 'slow.jpg'), 'w');
    const chunk = Math.ceil(slow.length / 8);
    for (let off = 0; off < slow.length; off += chunk) {
      fs.writeSync(fd, slow, off, Math.min(chunk, slow.length - off));
      await sleep(250);
      // Still being written: the worker must not have taken it.
      if (off + chunk < slow.length) expect(fs.existsSync(path.join(inbox, 'slow.jpg'))).toBe(true);
    }
    fs.closeSync(fd);

    // Kill once some, but not all, outputs exist: mid-batch for real.
    const deadline = Date.now() + 60_000;
    while (files(path.join(root, 'outbox')).filter((f) => !f.endsWith('.json')).length < 2 && Date.now() < deadline) await sleep(50);
    first.kill('SIGKILL');
    await exited(first);
    const doneAtKill =
      files(path.join(root, 'outbox')).filter((f) => !f.endsWith('.json')).length + files(path.join(root, 'failed')).filter((f) => !f.endsWith('.json')).length;
    expect(doneAtKill).toBeGreaterThanOrEqual(2);
    expect(doneAtKill).toBeLessThan(dropped.size);

    const second = runWatch(root, dataDir, ['--once']);
    let stderr = '';
    second.stderr!.on('data', (d) => (stderr += d));
    expect(await exited(second), stderr).toBe(0);

    // Inbox empty (preset folders stay, empty), work area empty, no lock, no temporaries anywhere.
    const everything = (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(root, f)).isFile());
    expect(everything.filter((f) => f.startsWith('inbox') || f.startsWith('.work'))).toEqual([]);
    expect(everything.filter((f) => path.basename(f).startsWith('.') || /\.(part|tmp)$/.test(f))).toEqual([]);

    // Good files: exactly one output each, with its record, and a valid signed manifest.
    const outbox = path.join(root, 'outbox');
    expect(files(outbox)).toEqual(good.flatMap((n) => [n, `${n}.json`]).sort());
    for (const n of good) {
      const bytes = fs.readFileSync(path.join(outbox, n));
      const reader = await Reader.fromAsset({ buffer: bytes, mimeType: n.endsWith('.png') ? 'image/png' : 'image/jpeg' });
      expect(reader?.json().validation_state, n).toBe('Valid');
      expect(JSON.parse(fs.readFileSync(path.join(outbox, `${n}.json`), 'utf8')).inputSha256).toBe(sha(dropped.get(n)!));
    }
    // Hostile files: in failed with the reason and code.
    const failed = path.join(root, 'failed');
    expect(files(failed)).toEqual(
      Object.keys(hostile)
        .flatMap((n) => [n, `${n}.error.json`])
        .sort(),
    );
    for (const n of Object.keys(hostile)) {
      const err = JSON.parse(fs.readFileSync(path.join(failed, `${n}.error.json`), 'utf8'));
      expect(err.code, n).toMatch(/^[a-z_]+$/);
      expect(err.reason.length, n).toBeGreaterThan(10);
      expect(fs.readFileSync(path.join(failed, n)).equals(dropped.get(n)!)).toBe(true);
    }
    expect(JSON.parse(fs.readFileSync(path.join(failed, 'empty.jpg.error.json'), 'utf8')).code).toBe('empty_input');
    expect(JSON.parse(fs.readFileSync(path.join(failed, 'script.svg.error.json'), 'utf8')).code).toBe('svg_not_supported');
    // Every original, byte-identical, exactly once.
    expect(files(path.join(root, 'originals'))).toEqual([...dropped.keys()].sort());
    for (const [n, b] of dropped) expect(fs.readFileSync(path.join(root, 'originals', n)).equals(b), n).toBe(true);
  });
});

function sha(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}
