/**
 * What a newsroom sees in the watch folder: presets by subfolder, sidecar options, names that
 * are never touched, same-name files kept apart, verification reports, counters.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreContext } from '../src/core/types.js';
import { endExiftool } from '../src/provenance/exiftool.js';
import { startWatcher } from '../src/watch/index.js';
import { tempDir, testContext } from './helpers/context.js';

let ctx: CoreContext;
let jpeg: Buffer;
let png: Buffer;
beforeAll(async () => {
  ctx = await testContext();
  jpeg = await sharp({ create: { width: 500, height: 400, channels: 3, background: '#246' } })
    .jpeg()
    .toBuffer();
  png = await sharp({ create: { width: 500, height: 400, channels: 4, background: '#642' } })
    .png()
    .toBuffer();
});
afterAll(() => endExiftool());

const read = (root: string, rel: string) => JSON.parse(fs.readFileSync(path.join(root, rel), 'utf8'));
const put = (root: string, rel: string, b: Buffer | string) => {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), b);
};

describe('watch folder', () => {
  it('takes the text format from the file name, as the CLI and REST doors do', async () => {
    const root = tempDir('watch-text-');
    const prose = 'Жасанды интеллект туралы қысқа жазба. Короткая заметка об ИИ.\n'; // no Markdown syntax of its own
    put(root, 'inbox/note.md', prose);
    put(root, 'verify-inbox/plain.txt', prose);
    const w = await startWatcher(root, ctx, { once: true, stabilityMs: 100 });
    await w.idle();
    await w.stop();
    const out = fs.readFileSync(path.join(root, 'outbox/note.md'), 'utf8');
    expect(out).toMatch(/^---\nai_generated: true\n/); // A.9 front matter, not the .txt wrapper
    expect(read(root, 'outbox/note.md.json')).toMatchObject({ kind: 'text', format: 'md' });
    expect(read(root, 'reports/plain.txt.json')).toMatchObject({ kind: 'text', format: 'txt', c2pa: { state: 'absent' } });
  });

  it('applies presets and sidecars, fails unknown presets and lone sidecars, never touches temp names', async () => {
    const root = tempDir('watch-folder-');
    put(root, 'inbox/en/a.jpg', jpeg);
    put(root, 'inbox/b.png', png);
    put(root, 'inbox/b.png.json', JSON.stringify({ languages: 'kk', placement: 'band', aiSystem: 'Midjourney' }));
    put(root, 'inbox/kk-ru-en/c.jpg', jpeg);
    put(root, 'inbox/holiday/d.jpg', jpeg);
    put(root, 'inbox/lone.json', '{"languages":"en"}');
    put(root, 'inbox/e.jpg', jpeg);
    put(root, 'inbox/en/e.jpg', jpeg); // the same name twice: both kept
    for (const n of ['f.jpg.part', '.hidden.jpg', '~$g.jpg', 'h.jpg.crdownload', 'i.tmp']) put(root, `inbox/${n}`, jpeg);
    put(root, 'verify-inbox/v.jpg', jpeg);

    const w = await startWatcher(root, ctx, { once: true, stabilityMs: 100, concurrency: 2 });
    await w.idle();
    await w.stop();

    expect(read(root, 'outbox/a.jpg.json').languages).toEqual(['en']);
    expect(read(root, 'outbox/c.jpg.json').languages).toEqual(['kk', 'ru', 'en']);
    const b = read(root, 'outbox/b.png.json');
    expect([b.languages, b.placement, b.aiSystem]).toEqual([['kk'], 'band', 'Midjourney']);
    expect(fs.readFileSync(path.join(root, 'originals/b.png.json'), 'utf8')).toContain('Midjourney'); // the sidecar is consumed and kept
    expect(
      fs
        .readdirSync(path.join(root, 'outbox'))
        .filter((f) => /^e(-2)?\.jpg$/.test(f))
        .sort(),
    ).toEqual(['e-2.jpg', 'e.jpg']);

    const unknown = read(root, 'failed/d.jpg.error.json');
    expect(unknown.code).toBe('bad_option');
    expect(unknown.reason).toMatch(/holiday.*not a preset.*kk-ru/);
    expect(read(root, 'failed/lone.json.error.json').reason).toMatch(/no such file arrived/);

    const left = fs
      .readdirSync(path.join(root, 'inbox'))
      .filter((f) => fs.statSync(path.join(root, 'inbox', f)).isFile())
      .sort();
    expect(left).toEqual(['.hidden.jpg', 'f.jpg.part', 'h.jpg.crdownload', 'i.tmp', '~$g.jpg']);

    const report = read(root, 'reports/v.jpg.json');
    expect(report.file).toBe('v.jpg');
    expect(report.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.c2pa.state).toBe('absent');
    expect(fs.existsSync(path.join(root, 'outbox/v.jpg'))).toBe(false); // verification never labels
    expect(fs.readFileSync(path.join(root, 'originals/v.jpg')).equals(jpeg)).toBe(true);

    expect(w.stats()).toEqual({ processed: 6, failed: 2, inProgress: 0, queued: 0 });
  });

  it('does not take a file while it is still growing, and refuses a second worker on the same folder', async () => {
    const root = tempDir('watch-folder-');
    const w = await startWatcher(root, ctx, { stabilityMs: 600, rescanMs: 200 });
    await expect(startWatcher(root, ctx)).rejects.toThrow(/another watcher/);
    const file = path.join(root, 'inbox/slow.jpg');
    const fd = fs.openSync(file, 'w');
    const step = Math.ceil(jpeg.length / 6);
    for (let off = 0; off < jpeg.length; off += step) {
      fs.writeSync(fd, jpeg, off, Math.min(step, jpeg.length - off));
      await new Promise((r) => setTimeout(r, 200));
      expect(fs.existsSync(file)).toBe(true);
    }
    fs.closeSync(fd);
    await w.idle();
    await w.stop();
    expect(fs.existsSync(path.join(root, 'outbox/slow.jpg'))).toBe(true);
    expect(w.stats()).toMatchObject({ processed: 1, failed: 0 });
  });
});
