/**
 * POST /api/v1/survive: multipart file → the survival report (schema/survival-report.schema.json):
 * the copies distribution makes of a labelled file and which layers survive each. Needs a key:
 * it reads the record. `?preview=1` adds thumbnails of the image copies and excerpts of the text
 * copies, for the web page.
 */
import type { RequestHandler } from 'express';
import { textFormatFromName } from '../../core/options.js';
import { survive } from '../../core/survive.js';
import type { AppDeps } from '../deps.js';
import { HttpProblem } from '../problem.js';
import { runJob } from '../run-job.js';

export function surviveHandler(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const { value: report, upload } = await runJob(deps, req, res, async (u) => {
      const ocr = flag(req.query.ocr ?? u.fields.ocr, 'ocr', true);
      return survive(u.bytes, { fileName: u.name, textFormat: textFormatFromName(u.name), preview: req.query.preview === '1', ocr }, deps.ctx);
    });
    report.file = upload.name;
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).json(report);
  };
}

function flag(raw: unknown, name: string, fallback: boolean): boolean {
  if (raw === undefined) return fallback;
  const v = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
  if (v !== undefined && ['false', '0', 'no', 'off'].includes(v)) return false;
  if (v !== undefined && ['true', '1', 'yes', 'on', ''].includes(v)) return true;
  throw new HttpProblem('bad_request', `${name}: must be true or false.`);
}
