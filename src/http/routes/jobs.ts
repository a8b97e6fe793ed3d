/**
 * Review jobs: GET /api/v1/jobs[?state=], GET /api/v1/jobs/:id, GET /api/v1/jobs/:id/output,
 * GET /api/v1/jobs/:id/preview/:side, POST /api/v1/jobs/:id/approve|reject. Who may do what is
 * the core's rule (src/core/review.ts); this door parses and renders. GET /api/v1/jobs/:id and
 * /output also answer for queued labels (src/core/label-work.ts).
 */
import type { RequestHandler, Response } from 'express';
import { getWork, workOutput, type WorkView } from '../../core/label-work.js';
import { WORK_ID } from '../../queue/work-store.js';
import { approveJob, getJob, jobOutput, jobPreview, jobSummary, listJobs, rejectJob, type Job } from '../../core/review.js';
import { JOB_STATES, JOB_ID } from '../../domain/review.js';
import { LabellerError } from '../../domain/errors.js';
import { callerOf } from '../auth.js';
import { contentDisposition, downloadName } from '../content-disposition.js';
import type { AppDeps } from '../deps.js';
import { HttpProblem } from '../problem.js';
import { doorOf } from '../run-job.js';

/** The job with the links a client follows next. */
export function jobBody(job: Job): Record<string, unknown> {
  const self = `/api/v1/jobs/${job.id}`;
  return {
    ...jobSummary(job),
    links: {
      self,
      ...(job.state === 'pending_review'
        ? { before: `${self}/preview/before`, after: `${self}/preview/after`, approve: `${self}/approve`, reject: `${self}/reject` }
        : {}),
      ...(job.state === 'approved' && job.output && !job.output.removed ? { output: `${self}/output` } : {}),
    },
  };
}

/** Queued work with its links: itself, and its labelled file once done. */
export function workBody(view: WorkView): Record<string, unknown> {
  const self = `/api/v1/jobs/${view.id}`;
  return { ...view, links: { self, ...(view.state === 'done' ? { output: `${self}/output` } : {}) } };
}

/** A review job of this id, else queued work of this id (held work is a review job of the same id). */
async function reviewOrWork<T>(id: string, review: () => Promise<T>, work: () => Promise<T>): Promise<T> {
  try {
    return await review();
  } catch (err) {
    if (!(err instanceof LabellerError && err.code === 'not_found' && WORK_ID.test(id))) throw err;
    return work();
  }
}

function idOf(raw: unknown): string {
  const id = String(raw);
  if (!JOB_ID.test(id)) throw new LabellerError('not_found', 'No job has this id.');
  return id;
}

function send(res: Response, status: number, job: Job): void {
  res.setHeader('Cache-Control', 'no-store');
  res.status(status).json(jobBody(job));
}

export function listJobsHandler(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const state = req.query.state === undefined ? undefined : String(req.query.state);
    if (state !== undefined && !(JOB_STATES as readonly string[]).includes(state))
      throw new HttpProblem('bad_request', `Invalid query: state is one of ${JOB_STATES.join(', ')}`);
    const jobs = await listJobs(callerOf(res), deps.ctx, { state });
    res.setHeader('Cache-Control', 'no-store');
    res.json({ items: jobs.slice(0, 500).map(jobBody) });
  };
}

export function getJobHandler(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const id = idOf(req.params.id);
    const body = await reviewOrWork(
      id,
      async () => jobBody(await getJob(id, callerOf(res), deps.ctx)),
      async () => workBody(await getWork(id, callerOf(res), deps.ctx, deps.queue)),
    );
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).json(body);
  };
}

export function approveHandler(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const body = bodyOf(req.body);
    const wording = body.wording === undefined || body.wording === '' ? undefined : String(body.wording);
    if (wording !== undefined && wording !== 'reviewed' && wording !== 'draft')
      throw new LabellerError('bad_option', 'wording: "reviewed" (the reviewed wording) or "draft" (as labelled)');
    // Approval labels the file again: it takes a job slot like an upload does.
    const release = await deps.slots.acquire();
    let job: Job;
    try {
      job = await approveJob(idOf(req.params.id), { ...callerOf(res), door: doorOf(req) }, { wording, reviewerName: body.reviewerName }, deps.ctx);
    } finally {
      release();
    }
    if (job.output?.labelRecordId) res.locals.recordId = job.output.labelRecordId;
    deps.metrics.labels.inc({ format: job.format, door: doorOf(req) });
    send(res, 200, job);
  };
}

export function rejectHandler(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const body = bodyOf(req.body);
    const job = await rejectJob(
      idOf(req.params.id),
      { ...callerOf(res), door: doorOf(req), name: typeof body.reviewerName === 'string' ? body.reviewerName : undefined },
      body.reason,
      deps.ctx,
    );
    send(res, 200, job);
  };
}

/** The approved file, to its submitter and to editors; 409 job_state for any other job. */
export function outputHandler(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const id = idOf(req.params.id);
    const out = await reviewOrWork(
      id,
      async () => {
        const { job, bytes } = await jobOutput(id, callerOf(res), deps.ctx);
        return { bytes, recordId: job.output?.labelRecordId, mimeType: job.mimeType, fileName: job.fileName ?? `labelled.${job.ext}`, ext: job.ext };
      },
      async () => {
        const { view, bytes, ext } = await workOutput(id, callerOf(res), deps.ctx, deps.queue);
        return { bytes, recordId: view.output?.recordId, mimeType: view.output!.mimeType, fileName: view.fileName, ext };
      },
    );
    const { bytes } = out;
    if (out.recordId) res.setHeader('X-Record-Id', out.recordId);
    res.setHeader('Content-Type', out.mimeType);
    res.setHeader('Content-Disposition', contentDisposition(downloadName(out.fileName, out.ext)));
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).end(bytes);
  };
}

export function previewHandler(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const side = String(req.params.side);
    if (side !== 'before' && side !== 'after') throw new LabellerError('not_found', 'A preview is "before" or "after".');
    const p = await jobPreview(idOf(req.params.id), side, callerOf(res), deps.ctx);
    res.setHeader('Content-Type', p.mimeType);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Disposition', 'inline');
    res.status(200).end(p.bytes);
  };
}

/** A JSON or form body's fields; anything else is an empty set of fields. */
function bodyOf(b: unknown): Record<string, unknown> {
  return b && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : {};
}
