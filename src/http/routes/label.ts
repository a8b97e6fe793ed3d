/** POST /api/v1/label: multipart file + options → the labelled file itself, or 202 + a job when it is held for review. */
import type { RequestHandler } from 'express';
import { label } from '../../core/label.js';
import { parseLabelOptions, textFormatFromName } from '../../core/options.js';
import { reviewRequested, submitForReview } from '../../core/review.js';
import { jobBody } from './jobs.js';
import { contentDisposition, downloadName } from '../content-disposition.js';
import type { AppDeps } from '../deps.js';
import { doorOf, runJob } from '../run-job.js';

export function labelHandler(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const result = await runJob(deps, req, res, async (upload) => {
      const options = parseLabelOptions({ textFormat: textFormatFromName(upload.name), ...upload.fields, title: upload.fields.title ?? upload.name });
      const actor = { actor: String(res.locals.keyName), door: doorOf(req) };
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
