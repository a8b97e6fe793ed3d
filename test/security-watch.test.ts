/**
 * Issue 10, item 3: the watch folder never follows a link. Symbolic links to files (outside the
 * root, 0600, inside the root), links to folders (as an inbox entry, as a preset folder, as the
 * inbox itself), linked sidecars, hard links, pipes, sockets and device files: none is read,
 * copied or moved through; each entry itself goes to failed/ with a reason, its target untouched.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { pino } from 'pino';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreContext } from '../src/core/types.js';
import { endExiftool } from '../src/provenance/exiftool.js';
import { claim } from '../src/watch/claim.js';
import { startWatcher } from '../src/watch/index.js';
import { tempDir, testContext } from './helpers/context.js';

let ctx: CoreContext;
let jpeg: Buffer;
beforeAll(async () => {
  ctx = await testContext();
  jpeg = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#357' } })
    .jpeg()
    .toBuffer();
});
afterAll(() => endExiftool());

const MARK = 'TARGET-CONTENT-7f3a9c';

/** Relative paths under a folder, never descending through a link (readdir's recursive mode would). */
function walk(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.join(rel, e.name);
    out.push(r);
    if (e.isDirectory()) out.push(...walk(dir, r));
  }
  return out;
}

/** Every entry under a folder with its kind and (for regular files) its bytes and mode. */
function snapshot(dir: string): Map<string, { kind: string; bytes?: Buffer; mode: number; ino: number }> {
  const out = new Map<string, { kind: string; bytes?: Buffer; mode: number; ino: number }>();
  for (const rel of walk(dir)) {
    const st = fs.lstatSync(path.join(dir, rel));
    const kind = st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'special';
    out.set(rel, { kind, bytes: kind === 'file' ? fs.readFileSync(path.join(dir, rel)) : undefined, mode: st.mode, ino: st.ino });
  }
  return out;
}

/** Regular files under the root (never through a link) that contain the marker. */
function leaks(root: string): string[] {
  return walk(root).filter((rel) => {
    const st = fs.lstatSync(path.join(root, rel));
    return st.isFile() && fs.readFileSync(path.join(root, rel)).includes(MARK);
  });
}

const errorOf = (root: string, name: string) => JSON.parse(fs.readFileSync(path.join(root, 'failed', `${name}.error.json`), 'utf8'));
const kindAt = (p: string) => {
  const st = fs.lstatSync(p);
  return st.isSymbolicLink() ? 'link' : st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'special';
};

function outsideTree(): string {
  const outside = tempDir('watch-outside-');
  fs.writeFileSync(path.join(outside, 'passwd.txt'), `root:x:0:0:${MARK}:/root:/bin/bash\n`);
  fs.writeFileSync(path.join(outside, 'secret.txt'), `${MARK} private key material\n`, { mode: 0o600 });
  fs.writeFileSync(path.join(outside, 'secret.json'), `${MARK} not json at all`, { mode: 0o600 });
  fs.mkdirSync(path.join(outside, 'dir'));
  fs.writeFileSync(path.join(outside, 'dir/a.txt'), `${MARK} a\n`);
  fs.writeFileSync(path.join(outside, 'dir/b.txt'), `${MARK} b\n`);
  fs.mkdirSync(path.join(outside, 'preset'));
  fs.writeFileSync(path.join(outside, 'preset/c.txt'), `${MARK} c\n`);
  fs.writeFileSync(path.join(outside, 'hard.txt'), `${MARK} hard\n`);
  return outside;
}

describe('the watch folder and links', () => {
  it('refuses every kind of link and special file, moving the entry itself to failed/ and never touching its target', async () => {
    const outside = outsideTree();
    const root = tempDir('watch-links-');
    const inbox = path.join(root, 'inbox');
    fs.mkdirSync(inbox);
    fs.mkdirSync(path.join(root, 'verify-inbox'));
    fs.writeFileSync(path.join(root, 'inside.txt'), `${MARK} inside the root\n`);
    fs.symlinkSync(path.join(outside, 'passwd.txt'), path.join(inbox, 'p.txt'));
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(inbox, 's.txt'));
    fs.symlinkSync(path.join(root, 'inside.txt'), path.join(inbox, 'in.txt'));
    fs.symlinkSync('../inside.txt', path.join(inbox, 'rel.txt'));
    fs.symlinkSync(path.join(outside, 'dir'), path.join(inbox, 'x'));
    fs.symlinkSync(path.join(outside, 'preset'), path.join(inbox, 'kk-ru')); // a preset folder name
    fs.symlinkSync(path.join(outside, 'missing.txt'), path.join(inbox, 'dangling.txt'));
    fs.writeFileSync(path.join(inbox, 'photo.jpg'), jpeg);
    fs.symlinkSync(path.join(outside, 'secret.json'), path.join(inbox, 'photo.jpg.json'));
    fs.linkSync(path.join(outside, 'hard.txt'), path.join(inbox, 'hard.txt'));
    execFileSync('mkfifo', [path.join(inbox, 'pipe.jpg')]);
    const sock = net.createServer().listen(path.join(inbox, 'sock.png'));
    await new Promise((r) => sock.once('listening', r));
    let device = false;
    try {
      execFileSync('mknod', [path.join(inbox, 'dev.jpg'), 'c', '1', '3'], { stdio: 'ignore' }); // /dev/null's numbers; root only
      device = true;
    } catch {
      /* not root: the device variant is skipped */
    }
    fs.symlinkSync(path.join(outside, 'passwd.txt'), path.join(root, 'verify-inbox/v.txt'));
    const before = snapshot(outside);
    const insideBefore = fs.readFileSync(path.join(root, 'inside.txt'));

    const w = await startWatcher(root, ctx, { once: true, stabilityMs: 50 });
    await w.idle();
    await w.stop();
    sock.close();

    // Targets: all still there, same bytes, same modes, same inodes; nothing new beside them.
    expect(snapshot(outside)).toEqual(before);
    expect(fs.readFileSync(path.join(root, 'inside.txt')).equals(insideBefore)).toBe(true);
    // Not one byte of any target in outbox, originals, failed, reports (error files included).
    // (failed/hard.txt is the hard link's own name, moved: the same inode, checked below, not a copy.)
    expect(leaks(root).sort()).toEqual(['failed/hard.txt', 'inside.txt']);
    expect(fs.readdirSync(path.join(root, 'outbox'))).toEqual([]);
    expect(fs.readdirSync(path.join(root, 'originals'))).toEqual(['photo.jpg']); // the only regular file dropped
    expect(fs.readdirSync(path.join(root, 'reports'))).toEqual([]);

    // Each entry reported, the entry itself moved (a link stays a link).
    for (const name of ['p.txt', 's.txt', 'in.txt', 'rel.txt', 'x', 'kk-ru', 'dangling.txt']) {
      expect(kindAt(path.join(root, 'failed', name)), name).toBe('link');
      expect(errorOf(root, name), name).toMatchObject({ code: 'not_regular_file', reason: expect.stringMatching(/symbolic link/) });
    }
    expect(fs.readlinkSync(path.join(root, 'failed/x'))).toBe(path.join(outside, 'dir'));
    for (const name of ['pipe.jpg', 'sock.png', ...(device ? ['dev.jpg'] : [])]) {
      expect(kindAt(path.join(root, 'failed', name)), name).toBe('special');
      expect(errorOf(root, name), name).toMatchObject({ code: 'not_regular_file', reason: expect.stringMatching(/not a regular file/) });
    }
    // A hard link: its name is moved (the other name keeps the file), its content never read.
    expect(errorOf(root, 'hard.txt')).toMatchObject({ code: 'hard_link', reason: expect.stringMatching(/2 names/) });
    expect(fs.statSync(path.join(root, 'failed/hard.txt')).ino).toBe(before.get('hard.txt')!.ino);
    // A linked sidecar fails its file unread: the error says why and quotes nothing of the target.
    const photo = errorOf(root, 'photo.jpg');
    expect(photo).toMatchObject({ code: 'not_regular_file', reason: expect.stringMatching(/options file photo\.jpg\.json is a symbolic link/) });
    expect(kindAt(path.join(root, 'failed/photo.jpg.json'))).toBe('link');
    expect(fs.readFileSync(path.join(root, 'failed/photo.jpg')).equals(jpeg)).toBe(true);
    // verify-inbox: the same rule.
    expect(kindAt(path.join(root, 'failed/v.txt'))).toBe('link');
    // The preset folder that was a link is not recreated through it, nor anything written there.
    expect(fs.readdirSync(path.join(outside, 'preset'))).toEqual(['c.txt']);
    expect(w.stats()).toMatchObject({ processed: 0, inProgress: 0, queued: 0 });
  });

  it('refuses links that appear while it runs (filesystem events), in the inbox, a preset folder and verify-inbox', async () => {
    const outside = outsideTree();
    const root = tempDir('watch-links-live-');
    const w = await startWatcher(root, ctx, { stabilityMs: 100, rescanMs: 60_000 }); // events, not rescans
    const before = snapshot(outside);
    fs.symlinkSync(path.join(outside, 'passwd.txt'), path.join(root, 'inbox/p.txt'));
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'inbox/en/s.txt'));
    fs.symlinkSync(path.join(outside, 'dir'), path.join(root, 'inbox/y'));
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'verify-inbox/v.txt'));
    const expected = ['p.txt', 's.txt', 'y', 'v.txt'].map((n) => path.join(root, 'failed', `${n}.error.json`));
    const deadline = Date.now() + 30_000;
    while (!expected.every((f) => fs.existsSync(f)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await w.stop();
    expect(expected.filter((f) => !fs.existsSync(f))).toEqual([]);
    expect(snapshot(outside)).toEqual(before);
    expect(leaks(root)).toEqual([]);
    expect(fs.readdirSync(path.join(root, 'outbox'))).toEqual([]);
    expect(fs.readdirSync(path.join(root, 'reports'))).toEqual([]);
  });

  it('does not read an inbox or verify-inbox that is itself a link, says so once, and creates nothing through it', async () => {
    const outside = outsideTree();
    const root = tempDir('watch-links-inbox-');
    fs.symlinkSync(path.join(outside, 'dir'), path.join(root, 'inbox'));
    fs.symlinkSync(path.join(outside, 'preset'), path.join(root, 'verify-inbox'));
    const before = snapshot(outside);
    const lines: { event?: string; level: number }[] = [];
    const logger = pino({ level: 'debug' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
    const w = await startWatcher(root, ctx, { once: true, stabilityMs: 50, logger });
    await w.idle();
    await w.stop();
    expect(snapshot(outside)).toEqual(before); // no preset folders made in the target, nothing moved
    expect(leaks(root)).toEqual([]);
    expect(lines.filter((l) => l.event === 'watch.inbox-not-folder').length).toBe(2);
  });

  it('refuses to write outputs through a linked outbox', async () => {
    const outside = outsideTree();
    const root = tempDir('watch-links-outbox-');
    fs.symlinkSync(path.join(outside, 'dir'), path.join(root, 'outbox'));
    await expect(startWatcher(root, ctx, { once: true })).rejects.toThrow(/outbox is a symbolic link/);
    expect(fs.readdirSync(path.join(outside, 'dir')).sort()).toEqual(['a.txt', 'b.txt']);
  });

  it('puts back an entry that a folder swapped for a link brought in between the look and the claim', async () => {
    const outside = outsideTree();
    const root = tempDir('watch-links-swap-');
    const w = await startWatcher(root, ctx, { once: true });
    await w.stop(); // only the layout
    fs.writeFileSync(path.join(root, 'inbox/en/a.txt'), 'dropped\n');
    const seen = fs.lstatSync(path.join(root, 'inbox/en/a.txt'));
    // The swap: the preset folder becomes a link to a folder holding a file of the same name.
    fs.renameSync(path.join(root, 'inbox/en'), path.join(root, 'en-was'));
    fs.symlinkSync(path.join(outside, 'dir'), path.join(root, 'inbox/en'));
    fs.renameSync(path.join(outside, 'dir/a.txt'), path.join(outside, 'dir/a.txt.keep'));
    fs.copyFileSync(path.join(outside, 'dir/a.txt.keep'), path.join(outside, 'dir/a.txt'));
    const before = snapshot(outside);
    const r = await claim(root, { source: path.join(root, 'inbox/en/a.txt'), origin: { mode: 'label', preset: 'en' }, seen: { dev: seen.dev, ino: seen.ino } });
    expect(r).toBe('swapped');
    expect(fs.readdirSync(path.join(root, '.work'))).toEqual([]);
    const after = snapshot(outside);
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    for (const [k, v] of before) expect(after.get(k)!.bytes, k).toEqual(v.bytes);
  });
});
