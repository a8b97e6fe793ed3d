/**
 * POST /api/v1/label: multipart file + options → the labelled file itself, or 202 + a job when it
 * is held for review, or (with `Prefer: respond-async`) 202 + a queued job that any instance runs.
 */
import type { RequestHandler } from 'express';
import { label } from '../../core/label.js';
import { queueLabel, uploadLabelOptions } from '../../core/label-work.js';
import { reviewRequested, submitForReview } from '../../core/review.js';
import { jobBody, workBody } from './jobs.js';
import { contentDisposition, downloadName } from '../content-disposition.js';
import type { AppDeps } from '../deps.js';
import { doorOf, runJob, shuttingDown } from '../run-job.js';

export function labelHandler(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const actor = { actor: String(res.locals.keyName), door: doorOf(req) };
    if (prefersAsync(req.get('prefer'))) {
      // Queued: the upload is kept on disk and the answer comes at once; no job slot is held here.
      if (!deps.accepting()) throw shuttingDown();
      const upload = await deps.parseUpload(req, res);
      const view = await queueLabel(upload.bytes, upload, deps.ctx, actor, deps.queue);
      res.setHeader('Location', `/api/v1/jobs/${view.id}`);
      res.setHeader('Preference-Applied', 'respond-async');
      res.setHeader('Cache-Control', 'no-store');
      res.status(202).json(workBody(view));
      return;
    }
    const result = await runJob(deps, req, res, async (upload) => {
      const options = uploadLabelOptions(upload.fields, upload.name);
      // Held for an editor: 202 and the job, never the file.
      if (reviewRequested(options, deps.ctx)) return { held: await submitForReview(upload.bytes, { ...options, fileName: upload.name }, deps.ctx, actor) };
      return label(upload.bytes, { ...options, fileName: upload.name }, deps.ctx, actor);
    });
    if ('held' in result.value) {
      const job = result.value.held;
      res.setHeader('Location', `/api/v1/jobs/${job.id}`);
      res.setHeader('Cache-Control', 'no-store');
      res.status(202).json(jobBody(job));
      return;
    }
    const { record } = result.value;
    if (record.id) {
      res.locals.recordId = record.id;
      res.setHeader('X-Record-Id', record.id);
    }
    deps.metrics.labels.inc({ format: record.format, door: doorOf(req) });
    res.setHeader('Content-Type', result.value.mimeType);
    res.setHeader('Content-Disposition', contentDisposition(downloadName(result.upload.name, result.value.ext)));
    res.setHeader('Cache-Control', 'no-store');
    if (record.warnings.length) res.setHeader('X-Label-Warnings', String(record.warnings.length));
    res.status(200).end(result.value.bytes);
  };
}

/** RFC 7240: does the Prefer header ask for respond-async? (Split on commas, no pattern over the caller's text.) */
export function prefersAsync(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(',').some((p) => p.split(';')[0].split('=')[0].trim().toLowerCase() === 'respond-async');
}
