/**
 * Crash recovery of the watch folder, one crash point at a time: a job is stopped exactly at
 * a step (as kill -9 would), recovery runs (twice: it must be idempotent), and a fresh worker
 * must leave one output, the byte-identical original, no temporaries, an empty work area.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreContext } from '../src/core/types.js';
import { endExiftool } from '../src/provenance/exiftool.js';
import type { CrashPoint } from '../src/watch/hooks.js';
import { recoverWorkArea, startWatcher } from '../src/watch/index.js';
import { tempDir, testContext } from './helpers/context.js';

let ctx: CoreContext;
let jpeg: Buffer;

beforeAll(async () => {
  ctx = await testContext();
  jpeg = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#2a6' } })
    .jpeg()
    .toBuffer();
});
afterAll(() => endExiftool());

class SimulatedCrash extends Error {}

/** Runs one worker pass that "crashes" at `point`, leaving the folder as a kill -9 would. */
async function crashAt(root: string, point: CrashPoint): Promise<void> {
  let hit = false;
  const w = await startWatcher(root, ctx, {
    once: true,
    stabilityMs: 0,
    hooks: {
      at(p) {
        if (p === point && !hit) {
          hit = true;
          throw new SimulatedCrash(p);
        }
      },
    },
  });
  await w.idle();
  await w.stop();
  expect(hit, `the job never reached ${point}`).toBe(true);
}

async function finish(root: string): Promise<void> {
  const w = await startWatcher(root, ctx, { once: true, stabilityMs: 0 });
  await w.idle();
  await w.stop();
}

const list = (root: string, folder: string) => fs.readdirSync(path.join(root, folder)).sort();
const allFiles = (root: string): string[] => (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(root, f)).isFile());

function expectSettled(root: string, outcome: 'outbox' | 'failed', input: Buffer, withSidecar: boolean): void {
  expect(list(root, 'inbox').filter((f) => fs.statSync(path.join(root, 'inbox', f)).isFile())).toEqual([]);
  expect(list(root, '.work')).toEqual([]);
  if (outcome === 'outbox') {
    expect(list(root, 'outbox')).toEqual(['photo.jpg', 'photo.jpg.json']);
    expect(list(root, 'failed')).toEqual([]);
    const record = JSON.parse(fs.readFileSync(path.join(root, 'outbox/photo.jpg.json'), 'utf8'));
    expect(record.inputSha256).toMatch(/^[0-9a-f]{64}$/);
    if (withSidecar) expect(record.languages).toEqual(['en']);
  } else {
    expect(list(root, 'outbox')).toEqual([]);
    expect(list(root, 'failed')).toEqual(withSidecar ? ['photo.jpg', 'photo.jpg.error.json', 'photo.jpg.json'] : ['photo.jpg', 'photo.jpg.error.json']);
    expect(fs.readFileSync(path.join(root, 'failed/photo.jpg')).equals(input)).toBe(true);
  }
  expect(list(root, 'originals')).toEqual(withSidecar && outcome === 'outbox' ? ['photo.jpg', 'photo.jpg.json'] : ['photo.jpg']);
  expect(fs.readFileSync(path.join(root, 'originals/photo.jpg')).equals(input)).toBe(true);
  expect(allFiles(root).filter((f) => /\.(part|tmp)$/.test(f))).toEqual([]);
}

function drop(root: string, input: Buffer, withSidecar: boolean): void {
  fs.mkdirSync(path.join(root, 'inbox'), { recursive: true });
  if (withSidecar) fs.writeFileSync(path.join(root, 'inbox/photo.jpg.json'), JSON.stringify({ languages: 'en' }));
  fs.writeFileSync(path.join(root, 'inbox/photo.jpg'), input);
}

describe('watch folder recovery after a crash', () => {
  const cases: { point: CrashPoint; expect: 'resume' | 'completed' | 'rolledBack' }[] = [
    { point: 'claim:journal-written', expect: 'rolledBack' },
    { point: 'claim:sidecar-moved', expect: 'rolledBack' },
    { point: 'claim:input-moved', expect: 'resume' },
    { point: 'job:temps-written', expect: 'resume' },
    { point: 'job:commit-journal-written', expect: 'completed' },
    { point: 'job:first-move-done', expect: 'completed' },
    { point: 'job:moves-done', expect: 'completed' },
  ];

  for (const c of cases) {
    it(`finishes a good file exactly once after a crash at ${c.point}`, async () => {
      const root = tempDir('watch-crash-');
      drop(root, jpeg, true);
      await crashAt(root, c.point);
      expect(list(root, '.work')).toHaveLength(1); // the crash left a job behind

      const first = await recoverWorkArea(root);
      expect({ resume: first.resume.length, completed: first.completed, rolledBack: first.rolledBack }).toEqual({
        resume: c.expect === 'resume' ? 1 : 0,
        completed: c.expect === 'completed' ? 1 : 0,
        rolledBack: c.expect === 'rolledBack' ? 1 : 0,
      });
      if (c.point === 'job:temps-written') expect(first.tempsRemoved).toBe(2);
      if (c.expect === 'rolledBack') expect(list(root, 'inbox')).toContain('photo.jpg.json'); // the sidecar is back with its file
      const again = await recoverWorkArea(root); // idempotent: nothing more to do, nothing undone
      expect({ completed: again.completed, rolledBack: again.rolledBack, tempsRemoved: again.tempsRemoved }).toEqual({
        completed: 0,
        rolledBack: 0,
        tempsRemoved: 0,
      });
      expect(again.resume.length).toBe(first.resume.length);

      await finish(root);
      expectSettled(root, 'outbox', jpeg, true);
    });
  }

  it('finishes a failed file exactly once after a crash in the middle of its commit', async () => {
    const root = tempDir('watch-crash-');
    const truncated = jpeg.subarray(0, Math.floor(jpeg.length / 3));
    drop(root, truncated, false);
    await crashAt(root, 'job:first-move-done');
    await finish(root);
    expectSettled(root, 'failed', truncated, false);
    const error = JSON.parse(fs.readFileSync(path.join(root, 'failed/photo.jpg.error.json'), 'utf8'));
    expect(error.code).toBeTruthy();
    expect(error.reason.length).toBeGreaterThan(10);
  });

  it('removes temporary outputs nobody will commit and empty job folders', async () => {
    const root = tempDir('watch-crash-');
    await recoverWorkArea(root);
    fs.writeFileSync(path.join(root, 'outbox/.0123456789abcdef.0.part'), 'half');
    fs.mkdirSync(path.join(root, '.work/fedcba9876543210'));
    const r = await recoverWorkArea(root);
    expect(r).toMatchObject({ tempsRemoved: 1, rolledBack: 1 });
    expect(list(root, 'outbox')).toEqual([]);
    expect(list(root, '.work')).toEqual([]);
  });
});
