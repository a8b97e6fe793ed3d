/**
 * Human oversight, one core for every door. A file "for review" is labelled as a draft and
 * held; an editor approves it (it is labelled again from the original, the review signed into
 * its manifest, and released) or rejects it; an undecided draft expires. Every event is a row
 * of the hash-chained record.
 *
 * A decision is claimed in the record first (one row per job under the key
 * `review-decision:<id>`: the first writer wins, across processes), then applied to the job.
 * A crash between the two is finished by `reconcile` the next time the job is read.
 */
import { randomBytes } from 'node:crypto';
import { LabellerError } from '../domain/errors.js';
import type { Actor, GreyImage, LabelRecord, RecordSink, StoredRecord } from '../domain/record.js';
import { cleanLine, REVIEWED_WORDING, roleAllows, type Job, type Reviewer, type ReviewRow, type ReviewStamp } from '../domain/review.js';
import type { Door } from '../domain/vocabulary.js';
import { isLang, type Lang } from '../domain/wording.js';
import { smallJpeg } from '../media/sharp.js';
import { jobStoreFor, JobStore } from '../review/store.js';
import { enqueueWebhook } from '../review/webhook.js';
import { cutCarriers, findCarriers } from '../text/carriers.js';
import { label, type DoorNames } from './label.js';
import type { LabelOptions } from './options.js';
import type { CoreContext } from './types.js';

export type { Job, Reviewer } from '../domain/review.js';

/** Who asks, and through which door (written to the record with the event). */
export type Caller = Reviewer & { door: Door | 'library' };

const DAY = 86_400_000;
const PREVIEW_SIDE = 1024;

/** REVIEW_REQUIRED, or this request's `review=required`. */
export function reviewRequested(options: LabelOptions, ctx: CoreContext): boolean {
  return options.review === 'required' || ctx.config.reviewRequired;
}

function storeOf(ctx: CoreContext): JobStore {
  return jobStoreFor(ctx.config.dataDir);
}

function recordsOf(ctx: CoreContext): Required<Pick<RecordSink, 'recordReview' | 'findByJob' | 'recordLabel'>> {
  const r = ctx.records;
  if (!r?.recordReview || !r.findByJob) throw new LabellerError('bad_config', 'review needs the provenance record, and this program runs without one');
  return { recordReview: r.recordReview.bind(r), findByJob: r.findByJob.bind(r), recordLabel: r.recordLabel.bind(r) };
}

/**
 * Labels the file as a draft and holds it. `id` makes a redone submission (the watch folder
 * after a crash) find its job instead of holding the file twice.
 */
export async function submitForReview(
  input: Buffer,
  options: LabelOptions & DoorNames,
  ctx: CoreContext,
  actor: Actor,
  opts: { id?: string; watch?: { root: string; name: string } } = {},
): Promise<Job> {
  const records = recordsOf(ctx);
  const store = storeOf(ctx);
  if (opts.id) {
    const existing = await store.get(opts.id);
    if (existing) return reconcile(existing, ctx);
  }
  const { review: _review, approval: _approval, ...rest } = options;
  // A draft: the same checks and the same label as a release, without the record row of a release.
  const draft = await label(input, rest, { ...ctx, records: undefined }, actor);
  const now = new Date();
  const id = opts.id ?? JobStore.newId();
  const r = draft.record;
  const { fileName: _f, outputName: _o, ...kept } = rest;
  const job: Job = {
    v: 1,
    id,
    state: 'pending_review',
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ctx.config.reviewTtlDays * DAY).toISOString(),
    submitter: { actor: actor.actor, door: actor.door },
    ...(options.fileName ? { fileName: options.fileName } : {}),
    kind: r.kind,
    format: r.format,
    mimeType: draft.mimeType,
    ext: draft.ext,
    options: kept,
    inputSha256: r.inputSha256,
    inputBytes: r.inputBytes,
    draft: {
      outputSha256: r.outputSha256,
      wording: r.wording,
      languages: r.languages,
      sourceType: r.sourceType,
      aiSystem: r.aiSystem,
      aiSystemVersion: r.aiSystemVersion,
      prompt: options.prompt,
      promptWriter: options.promptWriter,
      warnings: r.warnings,
    },
    ...(opts.watch ? { watch: opts.watch } : {}),
  };
  const previews = await previewsOf(job, input, draft.bytes, ctx);
  await store.create(job, { input, draft: draft.bytes, ...previews });
  job.submittedRecordId = await records.recordReview(rowOf(job, 'submitted', { outputSha256: r.outputSha256 }), { ...actor, jobId: `review-submit:${id}` });
  await store.save(job);
  return job;
}

/** Before/after for the Review page: small JPEGs of pictures; texts as text, the manifest cut out. */
async function previewsOf(job: Job, input: Buffer, draft: Buffer, ctx: CoreContext): Promise<{ before: Buffer; after: Buffer | string }> {
  if (job.kind === 'image') {
    const o = { maxPixels: ctx.config.maxPixels, side: PREVIEW_SIDE, quality: 80 };
    return { before: await smallJpeg(input, o), after: await smallJpeg(draft, o) };
  }
  const text = draft.toString('utf8');
  return { before: input, after: cutCarriers(text, findCarriers(text)) };
}

/** Approves a pending job: labels the original again with the review inside, records and releases it. */
export async function approveJob(id: string, by: Caller, choice: { wording?: 'reviewed' | 'draft'; reviewerName?: unknown }, ctx: CoreContext): Promise<Job> {
  mustReview(by);
  const records = recordsOf(ctx);
  const store = storeOf(ctx);
  const job = await pendingJob(id, by, ctx);
  if (ctx.config.reviewFourEyes && job.submitter.actor === by.key)
    throw new LabellerError('four_eyes', `"${by.key}" submitted this file; under the four-eyes rule (REVIEW_FOUR_EYES) another editor approves it`);
  const input = await store.read(id, 'input');
  if (!input) throw new LabellerError('io_error', `the original of job ${id} is missing from the review store`);
  const reviewerName = nameOf(choice.reviewerName);
  const wording = choice.wording === 'reviewed' ? reviewedWording(job.draft.languages) : job.draft.wording;
  const stamp: ReviewStamp = {
    jobId: id,
    decision: 'approved',
    reviewer: by.key,
    ...(reviewerName ? { reviewerName } : {}),
    role: by.role,
    at: new Date().toISOString(),
    wording,
  };
  const actor: Actor = { actor: job.submitter.actor, door: job.submitter.door as Door };
  const made = await label(
    input,
    { ...job.options, wording: wording as Partial<Record<Lang, string>>, fileName: job.fileName, approval: stamp },
    { ...ctx, records: undefined },
    actor,
  );
  made.record.review = stamp;
  if (job.fileName) made.record.fileName = job.fileName;
  const nonce = randomBytes(8).toString('hex');
  // The output is safe on disk before the decision is claimed: a crash after the claim finds it.
  await store.writeFinal(id, nonce, made.bytes, made.record);
  const row = rowOf(job, 'approved', { outputSha256: made.record.outputSha256, reviewer: by.key, reviewerName, role: by.role, wording, nonce });
  const won = await claim(records, job, row, by);
  if (!won) {
    // Another approval (here or on another instance) won: only this attempt's output goes.
    await store.removeFinal(id, nonce).catch(() => {});
    throw decided(await reconcile(job, ctx));
  }
  return finish(job, won, ctx, made.grey);
}

/** Rejects a pending job with a reason: its draft and original are deleted; nothing is released. */
export async function rejectJob(id: string, by: Caller, reasonRaw: unknown, ctx: CoreContext): Promise<Job> {
  mustReview(by);
  const records = recordsOf(ctx);
  const reason = cleanLine(reasonRaw, 500);
  if (!reason) throw new LabellerError('bad_option', 'reason: say in a line (up to 500 characters, no control characters) why the file is rejected');
  const job = await pendingJob(id, by, ctx);
  const won = await claim(
    records,
    job,
    rowOf(job, 'rejected', { reviewer: by.key, reviewerName: nameOf(by.name), role: by.role, reason, nonce: randomBytes(8).toString('hex') }),
    by,
  );
  if (!won) throw decided(await reconcile(job, ctx));
  return finish(job, won, ctx);
}

/** A job the caller may see, brought up to date with the record; 404 otherwise (others' jobs are not confirmed to exist). */
export async function getJob(id: string, viewer: Reviewer, ctx: CoreContext): Promise<Job> {
  const job = await storeOf(ctx).get(id);
  if (!job || !maySee(job, viewer)) throw new LabellerError('not_found', 'No job has this id.');
  return reconcile(job, ctx);
}

/** Jobs the caller may see (editors: all; labellers: their own), newest first. */
export async function listJobs(viewer: Reviewer, ctx: CoreContext, filter: { state?: string } = {}): Promise<Job[]> {
  const jobs = (await storeOf(ctx).list()).filter((j) => maySee(j, viewer));
  const fresh = await Promise.all(jobs.map((j) => reconcile(j, ctx)));
  return filter.state ? fresh.filter((j) => j.state === filter.state) : fresh;
}

/** The released file: only of an approved job, only to its submitter and to editors. */
export async function jobOutput(id: string, viewer: Reviewer, ctx: CoreContext): Promise<{ job: Job; bytes: Buffer }> {
  const job = await getJob(id, viewer, ctx);
  if (job.state !== 'approved') throw notReleased(job);
  if (!job.output || job.output.removed)
    throw new LabellerError('not_found', `the approved file of job ${id} was deleted after ${ctx.config.reviewTtlDays} days`);
  const final = await storeOf(ctx).readFinal(id, job.output.nonce);
  if (!final) throw new LabellerError('not_found', `the approved file of job ${id} is no longer kept`);
  return { job, bytes: final.bytes };
}

/** Before/after previews of a pending job, for editors (small pictures, or text without its manifest: never the file). */
export async function jobPreview(
  id: string,
  side: 'before' | 'after',
  viewer: Reviewer,
  ctx: CoreContext,
): Promise<{ job: Job; bytes: Buffer; mimeType: string }> {
  mustReview(viewer);
  const job = await getJob(id, viewer, ctx);
  if (job.state !== 'pending_review') throw notReleased(job);
  const bytes = await storeOf(ctx).read(id, side);
  if (!bytes) throw new LabellerError('not_found', `job ${id} has no ${side} preview`);
  return { job, bytes, mimeType: job.kind === 'image' ? 'image/jpeg' : 'text/plain; charset=utf-8' };
}

/** Watch-folder jobs decided and not yet carried out in that folder (released, or failed with the reason). */
export async function decidedWatchJobs(root: string, ctx: CoreContext): Promise<Job[]> {
  const jobs = (await storeOf(ctx).watchJobs()).filter((j) => j.watch?.root === root && !j.watch.done);
  const fresh = await Promise.all(jobs.map((j) => reconcile(j, ctx)));
  return fresh.filter((j) => j.state !== 'pending_review').reverse();
}

/** The approved output of a watch job, for the folder to publish. */
export async function releasedBytes(job: Job, ctx: CoreContext): Promise<{ bytes: Buffer; record: LabelRecord } | undefined> {
  return job.output ? storeOf(ctx).readFinal(job.id, job.output.nonce) : undefined;
}

/**
 * The watch folder's progress in carrying out a decision: `releasing` (the name chosen, saved
 * before anything is written, so a redo after a crash writes the same name once), then `done`.
 */
export async function saveWatchProgress(job: Job, progress: { releasing: string } | { done: string }, ctx: CoreContext): Promise<void> {
  if (!job.watch) return;
  if ('releasing' in progress) job.watch.releasing = progress.releasing;
  else job.watch.done = { at: new Date().toISOString(), to: progress.done };
  job.updatedAt = new Date().toISOString();
  await storeOf(ctx).save(job);
  if ('done' in progress) await storeOf(ctx).markWatch(job.id, false);
}

/**
 * Pending drafts older than REVIEW_TTL_DAYS expire (deleted, with a record row); approved
 * outputs are deleted as long after their approval; a job settled that long ago is forgotten
 * (its JSON removed: the record keeps its events). Run at start and on a schedule.
 */
export async function expireJobs(ctx: CoreContext, now = new Date()): Promise<{ expired: number; purged: number; forgotten: number }> {
  const store = storeOf(ctx);
  await store.sweep();
  if (!ctx.records?.recordReview) return { expired: 0, purged: 0, forgotten: 0 };
  const records = recordsOf(ctx);
  const system: Caller = { key: 'review-expiry', role: 'admin', door: 'library' };
  let expired = 0;
  let purged = 0;
  let forgotten = 0;
  for (const listed of await store.list()) {
    const job = await reconcile(listed, ctx);
    // A job long decided, with nothing left to keep or carry out, leaves the store (the record keeps its history).
    const settled = job.state !== 'pending_review' && (!job.output || job.output.removed) && (!job.watch || job.watch.done);
    if (settled && Date.parse(job.updatedAt) + ctx.config.reviewTtlDays * DAY <= now.getTime()) {
      await store.forget(job.id);
      forgotten++;
      continue;
    }
    if (Date.parse(job.expiresAt) > now.getTime()) continue;
    if (job.state === 'pending_review') {
      const won = await claim(records, job, rowOf(job, 'expired', { nonce: randomBytes(8).toString('hex') }), system);
      if (won) {
        await finish(job, won, ctx);
        expired++;
      }
    } else if (job.state === 'approved' && job.output && !job.output.removed) {
      await records.recordReview(rowOf(job, 'purged', { outputSha256: job.output.sha256 }), {
        actor: system.key,
        door: 'library',
        jobId: `review-purge:${job.id}`,
      });
      await store.removeFiles(job.id);
      job.output.removed = true;
      job.updatedAt = new Date().toISOString();
      await store.save(job);
      purged++;
    }
  }
  return { expired, purged, forgotten };
}

// ---------------------------------------------------------------------------------------------

function mustReview(by: Reviewer): void {
  if (!roleAllows(by.role, 'editor')) {
    throw new LabellerError('role_required', `this needs the editor role (or admin); the key "${by.key}" has the ${by.role} role`);
  }
}

function maySee(job: Job, viewer: Reviewer): boolean {
  return roleAllows(viewer.role, 'editor') || job.submitter.actor === viewer.key;
}

async function pendingJob(id: string, by: Reviewer, ctx: CoreContext): Promise<Job> {
  const job = await getJob(id, by, ctx);
  if (job.state !== 'pending_review') throw decided(job);
  return job;
}

function decided(job: Job): LabellerError {
  return new LabellerError(
    'job_state',
    `job ${job.id} is ${job.state.replace('_', ' ')}${job.decision?.by ? ` (by ${job.decision.by.key}, ${job.decision.at})` : ''}; only a pending job can be decided`,
  );
}

function notReleased(job: Job): LabellerError {
  const why = job.state === 'pending_review' ? 'waits for an editor' : job.state === 'approved' ? 'is approved' : `was ${job.state}`;
  return new LabellerError('job_state', `job ${job.id} ${why}: its file is not released`);
}

function nameOf(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const s = cleanLine(v, 200);
  if (!s) throw new LabellerError('bad_option', 'reviewerName: a name of up to 200 characters, without control characters');
  return s;
}

function reviewedWording(languages: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of languages) if (isLang(l)) out[l] = REVIEWED_WORDING[l];
  return out;
}

function rowOf(job: Job, event: ReviewRow['event'], extra: Partial<ReviewRow>): ReviewRow {
  const row: ReviewRow = {
    event,
    jobId: job.id,
    ...(job.fileName ? { fileName: job.fileName } : {}),
    format: job.format,
    inputSha256: job.inputSha256,
    submitter: job.submitter.actor,
    ...extra,
  };
  for (const k of Object.keys(row) as (keyof ReviewRow)[]) if (row[k] === undefined) delete row[k];
  return row;
}

/** Writes the decision row unless one exists; returns the row when it is ours, undefined when another decision won. */
async function claim(
  records: ReturnType<typeof recordsOf>,
  job: Job,
  row: ReviewRow,
  by: Caller,
): Promise<(ReviewRow & { recordId: string; time: string }) | undefined> {
  const key = `review-decision:${job.id}`;
  await records.recordReview(row, { actor: by.key, door: by.door, jobId: key });
  const stored = await records.findByJob(key);
  const data = stored?.data as unknown as ReviewRow | undefined;
  return stored && data && data.nonce === row.nonce ? { ...data, recordId: stored.id, time: stored.time } : undefined;
}

/** Applies a claimed decision to the job (idempotent: reconcile runs it again after a crash). */
async function finish(job: Job, row: ReviewRow & { recordId: string; time: string }, ctx: CoreContext, grey?: GreyImage): Promise<Job> {
  const store = storeOf(ctx);
  const at = row.time;
  const by = row.reviewer ? { key: row.reviewer, ...(row.reviewerName ? { name: row.reviewerName } : {}), role: row.role ?? 'editor' } : undefined;
  if (row.event === 'approved') {
    const final = await store.readFinal(job.id, row.nonce!);
    if (!final) throw new LabellerError('io_error', `the approved file of job ${job.id} is missing from the review store`);
    const labelRecordId = await recordsOf(ctx).recordLabel(
      final.record,
      { actor: job.submitter.actor, door: job.submitter.door as Door, jobId: `review-label:${job.id}` },
      final.bytes,
      grey,
    );
    job.state = 'approved';
    job.output = { nonce: row.nonce!, sha256: final.record.outputSha256, bytes: final.bytes.length, labelRecordId };
    job.decision = { decision: 'approved', at, ...(by ? { by } : {}), wording: row.wording, recordId: row.recordId };
    job.expiresAt = new Date(Date.parse(at) + ctx.config.reviewTtlDays * DAY).toISOString();
  } else {
    job.state = row.event === 'rejected' ? 'rejected' : 'expired';
    job.decision = { decision: job.state, at, ...(by ? { by } : {}), ...(row.reason ? { reason: row.reason } : {}), recordId: row.recordId };
  }
  job.updatedAt = new Date().toISOString();
  await store.save(job);
  await store.removeFiles(job.id, job.state === 'approved' ? row.nonce : undefined);
  if (job.state !== 'expired') await enqueueWebhook(ctx.config, store.root, job);
  return job;
}

/** A job whose decision is in the record but not yet on the job (a crash in between) is finished now. */
async function reconcile(job: Job, ctx: CoreContext): Promise<Job> {
  if (job.state !== 'pending_review' || !ctx.records?.findByJob) return job;
  const stored: StoredRecord | undefined = await ctx.records.findByJob(`review-decision:${job.id}`);
  if (!stored) {
    if (!job.submittedRecordId && ctx.records.recordReview) {
      job.submittedRecordId = await ctx.records.recordReview(rowOf(job, 'submitted', { outputSha256: job.draft.outputSha256 }), {
        actor: job.submitter.actor,
        door: job.submitter.door as Door,
        jobId: `review-submit:${job.id}`,
      });
      await storeOf(ctx).save(job);
    }
    return job;
  }
  return finish(job, { ...(stored.data as unknown as ReviewRow), recordId: stored.id, time: stored.time }, ctx);
}

/** The job as every door shows it: no internal names (nonces, folders), the wordings an editor can choose. */
export function jobSummary(job: Job): Record<string, unknown> {
  const { v: _v, output, watch, options: _options, ...shown } = job;
  return {
    ...shown,
    options: {
      languages: job.draft.languages,
      placement: job.options.placement,
      sourceType: job.draft.sourceType,
      aiSystem: job.draft.aiSystem,
      aiSystemVersion: job.draft.aiSystemVersion,
      prompt: job.draft.prompt,
      promptWriter: job.draft.promptWriter,
    },
    reviewedWording: reviewedWording(job.draft.languages),
    ...(output ? { output: { sha256: output.sha256, bytes: output.bytes, recordId: output.labelRecordId, ...(output.removed ? { removed: true } : {}) } } : {}),
    ...(watch ? { watch: { name: watch.name, ...(watch.done ? { done: watch.done } : {}) } } : {}),
  };
}
