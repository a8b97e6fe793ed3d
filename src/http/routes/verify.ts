/** POST /api/v1/verify: multipart file → the verification report (the CLI's JSON schema). */
import type { RequestHandler } from 'express';
import { textFormatFromName } from '../../core/options.js';
import { verify } from '../../core/verify.js';
import { addPreview } from '../../signals/c2pa-preview.js';
import { verdictOf } from '../core-ops.js';
import type { AppDeps } from '../deps.js';
import { HttpProblem } from '../problem.js';
import { doorOf, runJob } from '../run-job.js';

export function verifyHandler(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const { value: report, upload } = await runJob(deps, req, res, async (u) => {
      const ocr = ocrWanted(req.query.ocr ?? u.fields.ocr);
      const r = await verify(u.bytes, { textFormat: textFormatFromName(u.name), fileName: u.name, ocr }, deps.ctx, {
        actor: String(res.locals.keyName ?? 'anonymous'),
        door: doorOf(req),
      });
      // The Verify page draws the chain: thumbnails and nested ingredients, after the record is written.
      if (req.query.preview === '1' && r.kind === 'image') await addPreview(r.c2pa, u.bytes, r.mimeType, deps.ctx.trustAnchorsPem);
      return r;
    });
    report.file = upload.name;
    if (report.recordId) res.locals.recordId = report.recordId;
    deps.metrics.verifications.inc({ verdict: verdictOf(report), door: doorOf(req) });
    res.setHeader('Cache-Control', 'no-store');
    res.status(200).json(report);
  };
}

/** `ocr=false` (query or form field) skips reading the pixels for the visible warning; on by default. */
function ocrWanted(raw: unknown): boolean {
  if (raw === undefined) return true;
  if (typeof raw !== 'string') throw new HttpProblem('bad_request', 'ocr: give it once, as true or false.');
  const v = raw.trim().toLowerCase();
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  if (['true', '1', 'yes', 'on', ''].includes(v)) return true;
  throw new HttpProblem('bad_request', 'ocr: must be true or false.');
}
