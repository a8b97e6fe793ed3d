/**
 * The review workflow in the watch folder: a file dropped into inbox/review/ is held (a ticket
 * in review/, the original in originals/, nothing in outbox/); a file cannot approve itself;
 * after a restart and an editor's approval it is released to outbox/ exactly once, signed with
 * the review inside; a rejected file gets failed/<name>.error.json and is never released.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Reader } from '@contentauth/c2pa-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { approveJob, getJob, rejectJob, type Caller } from '../src/core/review.js';
import type { CoreContext } from '../src/core/types.js';
import { endExiftool } from '../src/provenance/exiftool.js';
import { checkRecord, type RecordStore } from '../src/registry/index.js';
import { createContext } from '../src/startup.js';
import { startWatcher } from '../src/watch/index.js';
import { tempDir } from './helpers/context.js';

const EDITOR: Caller = { key: 'desk', role: 'editor', door: 'rest', name: 'Desk' };
let dataDir: string;
let root: string;
let ctx: CoreContext;
let jpeg: Buffer;

const open = () => createContext({ config: loadConfig({ DATA_DIR: dataDir } as NodeJS.ProcessEnv) });
const put = (rel: string, b: Buffer | string) => {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), b);
};
const read = (rel: string) => JSON.parse(fs.readFileSync(path.join(root, rel), 'utf8'));
const list = (dir: string) =>
  fs
    .readdirSync(path.join(root, dir))
    .filter((n) => !n.startsWith('.'))
    .sort();

async function runOnce(): Promise<void> {
  const w = await startWatcher(root, ctx, { once: true, stabilityMs: 50 });
  await w.idle();
  await w.stop();
}

beforeAll(async () => {
  dataDir = tempDir('labeller-review-watch-');
  root = tempDir('watch-review-');
  ctx = await open();
  jpeg = await sharp({ create: { width: 500, height: 400, channels: 3, background: '#2f4f4f' } })
    .jpeg()
    .toBuffer();
});
afterAll(() => endExiftool());

describe('inbox/review/', () => {
  let heldId: string;

  it('holds the file: a ticket in review/, the original kept, nothing released; a file cannot approve itself', async () => {
    put('inbox/review/photo.jpg', jpeg);
    put('inbox/review/photo.jpg.json', JSON.stringify({ aiSystem: 'Midjourney', prompt: 'aul at dusk' }));
    put('inbox/self.jpg', jpeg);
    put('inbox/self.jpg.json', JSON.stringify({ review: 'approved' }));
    put('inbox/sneaky.jpg', jpeg);
    put('inbox/sneaky.jpg.json', JSON.stringify({ review: 'required', approval: { reviewer: 'me', decision: 'approved' } }));
    await runOnce();
    const ticket = read('review/photo.jpg.json');
    expect(ticket).toMatchObject({ file: 'photo.jpg', state: 'pending_review' });
    heldId = ticket.job;
    expect(list('outbox')).toEqual([]);
    expect(list('originals')).toEqual(['photo.jpg', 'photo.jpg.json', 'self.jpg', 'sneaky.jpg']);
    expect(read('failed/self.jpg.error.json')).toMatchObject({ code: 'bad_option' });
    expect(read('failed/sneaky.jpg.error.json')).toMatchObject({ code: 'bad_option' });
    expect(read('failed/sneaky.jpg.error.json').reason).toContain('"approval" is not a label option');
    const job = await getJob(heldId, EDITOR, ctx);
    expect(job).toMatchObject({
      state: 'pending_review',
      submitter: { actor: 'watch', door: 'watch' },
      draft: { aiSystem: 'Midjourney', prompt: 'aul at dusk' },
    });
    // The watch folder's own identity is a labeller's: it cannot decide.
    expect(await approveJob(heldId, { key: 'watch', role: 'labeller', door: 'watch' }, {}, ctx).catch((e) => e.code)).toBe('role_required');
  });

  it('after a restart and an approval, releases the file to outbox/ exactly once, with the review inside', async () => {
    await ctx.records!.close();
    ctx = await open(); // a restart between submit and approve
    await approveJob(heldId, EDITOR, { wording: 'reviewed' }, ctx);
    expect(list('outbox')).toEqual([]); // the folder's worker releases it, not the approval
    await runOnce();
    expect(list('outbox')).toEqual(['photo.jpg', 'photo.jpg.json']);
    expect(list('review')).toEqual([]);
    const bytes = fs.readFileSync(path.join(root, 'outbox/photo.jpg'));
    const store = (await Reader.fromAsset({ buffer: bytes, mimeType: 'image/jpeg' }, { verify: { remote_manifest_fetch: false } } as never))!.json() as Record<
      string,
      any
    >;
    expect(store.validation_state).toBe('Valid');
    const review = store.manifests[store.active_manifest].assertions.find((a: { label: string }) => a.label === 'kz.labeller.review').data;
    expect(review).toMatchObject({ reviewer: 'desk', decision: 'approved', jobId: heldId });
    expect(read('outbox/photo.jpg.json')).toMatchObject({ review: { reviewer: 'desk' }, fileName: 'photo.jpg' });

    // Again, and again after a crash that left the file written but the job not marked done: still one copy.
    await runOnce();
    const jobFile = path.join(dataDir, 'review/jobs', `${heldId}.json`);
    const j = JSON.parse(fs.readFileSync(jobFile, 'utf8'));
    delete j.watch.done;
    fs.writeFileSync(jobFile, JSON.stringify(j));
    fs.writeFileSync(path.join(dataDir, 'review/watch-pending', heldId), ''); // the marker goes only after 'done' is saved
    put('review/photo.jpg.json', JSON.stringify({ job: heldId }));
    await runOnce();
    expect(list('outbox')).toEqual(['photo.jpg', 'photo.jpg.json']);
    expect(list('review')).toEqual([]);
    expect((await getJob(heldId, EDITOR, ctx)).watch?.done?.to).toBe('outbox/photo.jpg');
  });

  it('a rejected file is never released: failed/ says who rejected it and why', async () => {
    put('inbox/review/second.jpg', jpeg);
    await runOnce();
    const id = read('review/second.jpg.json').job;
    await rejectJob(id, EDITOR, 'Not our photo', ctx);
    await runOnce();
    expect(list('outbox')).toEqual(['photo.jpg', 'photo.jpg.json']);
    expect(read('failed/second.jpg.error.json')).toMatchObject({ code: 'review_rejected', job: id });
    expect(read('failed/second.jpg.error.json').reason).toContain('Not our photo');
    expect(list('review')).toEqual([]);
    expect(fs.existsSync(path.join(root, 'originals/second.jpg'))).toBe(true);
    expect((await checkRecord(ctx.records as RecordStore)).intact).toBe(true);
    const events = (await ctx.records!.list({ type: 'review', limit: 100 })).items.map((r) => `${r.data.event}:${r.actor}`).sort();
    expect(events).toEqual(['approved:desk', 'rejected:desk', 'submitted:watch', 'submitted:watch']);
  });
});
