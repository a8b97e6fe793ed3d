/**
 * Queued labels (REST `POST /api/v1/label` with `Prefer: respond-async`): the upload is kept on
 * the shared volume, the work queue names it, and whichever instance takes it labels it. A redo
 * (a retry, or another instance after a crash) reuses what the first attempt kept and writes no
 * second record row (the work id is the row's idempotency key). Its state is read from the
 * files by any instance: GET /api/v1/jobs/{id}, then /output.
 */
import { LabellerError, errorMessage } from '../domain/errors.js';
import { isMachineFault } from '../domain/faults.js';
import { roleAllows, type Reviewer } from '../domain/review.js';
import type { Door } from '../domain/vocabulary.js';
import { RETRY, type WorkQueue } from '../queue/work-queue.js';
import { WorkStore, type WorkRequest, type WorkResult } from '../queue/work-store.js';
import { IMAGE_EXT, type ImageFormat } from '../media/sniff.js';
import { labelKept, loadKept } from './kept-label.js';
import { parseLabelOptions, textFormatFromName, type LabelOptions } from './options.js';
import { reviewRequested, submitForReview } from './review.js';
import type { Actor, CoreContext } from './types.js';

/** What a client sees of queued work. */
export interface WorkView {
  id: string;
  kind: 'label';
  state: 'queued' | 'running' | 'done' | 'held' | 'failed';
  attempts: number;
  createdAt: string;
  finishedAt?: string;
  fileName: string;
  submitter: { actor: string; door: string };
  output?: { sha256: string; bytes: number; mimeType: string; recordId?: string; warnings: string[] };
  error?: { code: string; reason: string };
}

const stores = new Map<string, WorkStore>();

export function workStoreFor(dataDir: string): WorkStore {
  let s = stores.get(dataDir);
  if (!s) stores.set(dataDir, (s = new WorkStore(dataDir)));
  return s;
}

/** An upload's label options, as every door that takes uploads reads them. */
export function uploadLabelOptions(fields: Record<string, string>, fileName: string): LabelOptions {
  return parseLabelOptions({ textFormat: textFormatFromName(fileName), ...fields, title: fields.title ?? fileName });
}

/** Keeps the upload and queues it; the options are checked now, so a wrong field is refused at once. */
export async function queueLabel(
  input: Buffer,
  upload: { fields: Record<string, string>; name: string },
  ctx: CoreContext,
  actor: Actor,
  queue: WorkQueue,
): Promise<WorkView> {
  uploadLabelOptions(upload.fields, upload.name);
  const store = workStoreFor(ctx.config.dataDir);
  const req: WorkRequest = {
    v: 1,
    id: WorkStore.newId(),
    createdAt: new Date().toISOString(),
    submitter: { actor: actor.actor, door: actor.door },
    fileName: upload.name,
    fields: upload.fields,
    inputBytes: input.length,
  };
  await store.create(req, input);
  await queue.send('label', req.id);
  return viewOf(req, undefined, { state: 'queued', attempts: 0 });
}

/** The queue's handler: labels the kept upload once; throws only for a fault of the machine (then it is retried). */
export async function runLabelWork(id: string, ctx: CoreContext): Promise<void> {
  const store = workStoreFor(ctx.config.dataDir);
  const req = await store.request(id);
  // Forgotten (past WORK_TTL_HOURS) or already finished by an earlier attempt.
  if (!req || (await store.result(id))) return;
  const actor: Actor = { actor: req.submitter.actor, door: req.submitter.door as Door, jobId: id };
  const finishedAt = () => new Date().toISOString();
  let result: WorkResult;
  try {
    const input = await store.input(id);
    const options = { ...uploadLabelOptions(req.fields, req.fileName), fileName: req.fileName };
    if (reviewRequested(options, ctx)) {
      // The review job takes the work's id: GET /api/v1/jobs/{id} then shows the review.
      await submitForReview(input, options, ctx, actor, { id });
      result = { state: 'held', finishedAt: finishedAt() };
    } else {
      const { bytes, record } = await labelKept(store.kept(id), input, options, ctx, actor);
      result = {
        state: 'done',
        finishedAt: finishedAt(),
        recordId: record.id,
        outputSha256: record.outputSha256,
        outputBytes: bytes.length,
        mimeType: record.mimeType,
        ext: record.kind === 'image' ? IMAGE_EXT[record.format as ImageFormat] : record.format,
        warnings: record.warnings,
      };
    }
  } catch (err) {
    if (isMachineFault(err)) throw err;
    const e = err instanceof LabellerError ? err : undefined;
    result = {
      state: 'failed',
      finishedAt: finishedAt(),
      code: e?.code ?? 'internal',
      reason: e?.message ?? `the labeller failed on this file: ${errorMessage(err)}`,
    };
  }
  await store.finish(id, result);
}

/** The work's state, to its submitter and to editors (anyone else: not found). */
export async function getWork(id: string, viewer: Reviewer, ctx: CoreContext, queue: WorkQueue): Promise<WorkView> {
  return (await readWork(id, viewer, ctx, queue)).view;
}

/** The labelled file of finished work. */
export async function workOutput(id: string, viewer: Reviewer, ctx: CoreContext, queue: WorkQueue): Promise<{ view: WorkView; bytes: Buffer; ext: string }> {
  const { view, result } = await readWork(id, viewer, ctx, queue);
  if (result?.state !== 'done') throw new LabellerError('job_state', `job ${id} is ${view.state}: it has no labelled file`);
  const kept = (await loadKept(workStoreFor(ctx.config.dataDir).kept(id)))?.bytes;
  if (!kept) throw new LabellerError('not_found', `the labelled file of job ${id} is no longer kept (WORK_TTL_HOURS)`);
  return { view, bytes: kept, ext: result.ext };
}

async function readWork(id: string, viewer: Reviewer, ctx: CoreContext, queue: WorkQueue): Promise<{ view: WorkView; result?: WorkResult }> {
  const store = workStoreFor(ctx.config.dataDir);
  const req = await store.request(id);
  if (!req || !(roleAllows(viewer.role, 'editor') || req.submitter.actor === viewer.key)) throw new LabellerError('not_found', 'No job has this id.');
  const result = await store.result(id);
  return { view: viewOf(req, result, await queue.status('label', id)), result };
}

/** Work whose files say it is not finished (queued again at start: the local queue forgets on exit). */
export async function unfinishedWork(ctx: CoreContext): Promise<string[]> {
  const store = workStoreFor(ctx.config.dataDir);
  const out: string[] = [];
  for (const { id } of await store.list()) if ((await store.request(id)) && !(await store.result(id))) out.push(id);
  return out;
}

/** Deletes the files of work finished more than WORK_TTL_HOURS ago, of uploads never committed, and of work abandoned long ago. */
export async function expireWork(ctx: CoreContext, now = Date.now()): Promise<number> {
  const store = workStoreFor(ctx.config.dataDir);
  const ttl = ctx.config.workTtlHours * 3_600_000;
  let removed = 0;
  for (const { id, mtimeMs } of await store.list()) {
    const [req, result] = await Promise.all([store.request(id), store.result(id)]);
    // Finished: after the TTL. Never committed: after an hour. Never finished (the queue gave up on a
    // machine fault): after seven TTLs, long past its last retry, so no upload is kept for ever.
    const old = result ? Date.parse(result.finishedAt) < now - ttl : req ? Date.parse(req.createdAt) < now - 7 * ttl : mtimeMs < now - 3_600_000;
    if (old) {
      await store.remove(id);
      removed++;
    }
  }
  return removed;
}

function viewOf(req: WorkRequest, result: WorkResult | undefined, queued: { state: string; attempts: number } | undefined): WorkView {
  const base = { id: req.id, kind: 'label' as const, createdAt: req.createdAt, fileName: req.fileName, submitter: req.submitter };
  if (result?.state === 'done')
    return {
      ...base,
      state: 'done',
      attempts: queued?.attempts || 1,
      finishedAt: result.finishedAt,
      output: { sha256: result.outputSha256, bytes: result.outputBytes, mimeType: result.mimeType, recordId: result.recordId, warnings: result.warnings },
    };
  if (result?.state === 'held') return { ...base, state: 'held', attempts: queued?.attempts || 1, finishedAt: result.finishedAt };
  if (result?.state === 'failed')
    return { ...base, state: 'failed', attempts: queued?.attempts || 1, finishedAt: result.finishedAt, error: { code: result.code, reason: result.reason } };
  if (queued?.state === 'failed')
    return {
      ...base,
      state: 'failed',
      attempts: queued.attempts,
      error: { code: 'internal', reason: `the work failed ${RETRY.limit + 1} times for a reason that is not the file's (see the service's log)` },
    };
  return { ...base, state: queued?.state === 'running' ? 'running' : 'queued', attempts: queued?.attempts ?? 0 };
}
