/**
 * Carries out review decisions in the watch folder, exactly once: an approved file goes to
 * outbox/ (with `<name>.json`, its record with the review), a rejected or expired one gets
 * failed/<name>.error.json with the reason; either way its ticket leaves review/.
 *
 * The name is chosen and saved on the job first; a redo after a crash finds the file already
 * there with the released bytes' hash and does not write it again, so a crash at any point
 * never publishes a file twice.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { decidedWatchJobs, releasedBytes, saveWatchProgress, type Job } from '../core/review.js';
import type { CoreContext } from '../core/types.js';
import { syncDir, writeDurable } from './durable.js';
import { exists } from './journal.js';
import { FOLDERS, tempName } from './layout.js';

export async function releaseDecided(root: string, ctx: CoreContext, log?: Logger): Promise<number> {
  let done = 0;
  for (const job of await decidedWatchJobs(root, ctx)) {
    const released = job.state === 'approved' && job.output && !job.output.removed ? await releasedBytes(job, ctx) : undefined;
    if (released) {
      let name = await claimName(root, job, FOLDERS.outbox, '', ctx);
      let file = path.join(root, FOLDERS.outbox, name);
      if ((await exists(file)) && !(await sameBytes(file, released.bytes))) {
        // Someone put another file under the saved name meanwhile: never overwrite it, take another.
        if (job.watch) job.watch.releasing = undefined;
        name = await claimName(root, job, FOLDERS.outbox, '', ctx);
        file = path.join(root, FOLDERS.outbox, name);
      }
      // Already there from an attempt a crash interrupted: the same bytes, not a second copy.
      if (!(await sameBytes(file, released.bytes))) {
        await put(root, FOLDERS.outbox, `${name}.json`, JSON.stringify(released.record, null, 2) + '\n');
        await put(root, FOLDERS.outbox, name, released.bytes);
      }
      await removeTicket(root, job);
      await saveWatchProgress(job, { done: `${FOLDERS.outbox}/${name}` }, ctx);
      log?.info(
        { event: 'file.released', file: job.watch?.name, to: `${FOLDERS.outbox}/${name}`, job: job.id, reviewer: job.decision?.by?.key },
        `${job.watch?.name} approved and released`,
      );
    } else {
      const name = await claimName(root, job, FOLDERS.failed, '.error.json', ctx);
      const code = job.state === 'rejected' ? 'review_rejected' : 'review_expired';
      const reason =
        job.state === 'rejected'
          ? `an editor rejected it${job.decision?.by ? ` (${job.decision.by.name ?? job.decision.by.key})` : ''}: ${job.decision?.reason ?? 'no reason given'}`
          : 'no editor decided within REVIEW_TTL_DAYS; the draft was deleted';
      const error = { file: job.watch?.name, code, reason, job: job.id, decidedAt: job.decision?.at, original: `${FOLDERS.originals}/` };
      if (!(await exists(path.join(root, FOLDERS.failed, `${name}.error.json`))))
        await put(root, FOLDERS.failed, `${name}.error.json`, JSON.stringify(error, null, 2) + '\n');
      await removeTicket(root, job);
      await saveWatchProgress(job, { done: `${FOLDERS.failed}/${name}.error.json` }, ctx);
      log?.warn({ event: 'file.failed', file: job.watch?.name, code, reason, job: job.id }, `${job.watch?.name} not released: ${reason}`);
    }
    done++;
  }
  return done;
}

/** The name saved on the job, or a free one (name-2.jpg...) saved before anything is written. */
async function claimName(root: string, job: Job, folder: string, suffix: string, ctx: CoreContext): Promise<string> {
  if (job.watch?.releasing) return job.watch.releasing;
  const { name: stem, ext } = path.parse(job.watch?.name ?? job.fileName ?? `file.${job.ext}`);
  for (let k = 1; ; k++) {
    const candidate = k === 1 ? `${stem}${ext}` : `${stem}-${k}${ext}`;
    const taken =
      (await exists(path.join(root, folder, candidate + suffix))) || (suffix === '' && (await exists(path.join(root, folder, `${candidate}.json`))));
    if (taken) continue;
    await saveWatchProgress(job, { releasing: candidate }, ctx);
    return candidate;
  }
}

/** Written under a temporary name in the folder (swept at start), flushed, renamed into place. */
async function put(root: string, folder: string, name: string, bytes: Buffer | string): Promise<void> {
  const tmp = path.join(root, folder, tempName(randomBytes(8).toString('hex'), 0));
  await writeDurable(tmp, bytes);
  await fs.rename(tmp, path.join(root, folder, name));
  await syncDir(path.join(root, folder));
}

async function sameBytes(file: string, bytes: Buffer): Promise<boolean> {
  try {
    const have = await fs.readFile(file);
    return createHash('sha256').update(have).digest('hex') === createHash('sha256').update(bytes).digest('hex');
  } catch {
    return false;
  }
}

/** review/<name>.json of this job (found by its content: the name was chosen when the file was held). */
async function removeTicket(root: string, job: Job): Promise<void> {
  const dir = path.join(root, FOLDERS.review);
  for (const n of await fs.readdir(dir).catch(() => [] as string[])) {
    if (!n.endsWith('.json')) continue;
    try {
      const t = JSON.parse(await fs.readFile(path.join(dir, n), 'utf8')) as { job?: string };
      if (t.job === job.id) await fs.rm(path.join(dir, n), { force: true });
    } catch {
      /* not a ticket of ours */
    }
  }
  await syncDir(dir);
}
