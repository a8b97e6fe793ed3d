/**
 * POST /api/v1/clean: multipart file → a clean copy of the picture (core/clean.ts), the same
 * format, named `<name>.clean.<ext>`. Authenticated like label: it may sign a new manifest.
 * `X-Privacy-Removed` counts the fields removed, `X-Manifest` says none, re-signed or dropped.
 */
import type { RequestHandler } from 'express';
import { cleanCopy } from '../../core/clean.js';
import { contentDisposition } from '../content-disposition.js';
import type { AppDeps } from '../deps.js';
import { runJob } from '../run-job.js';

export function cleanHandler(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const { value: r, upload } = await runJob(deps, req, res, (u) => cleanCopy(u.bytes, deps.ctx, { fileName: u.name }));
    const base = (upload.name ?? 'picture').replace(/\.[^.]*$/, '');
    res.setHeader('Content-Type', r.mimeType);
    res.setHeader('Content-Disposition', contentDisposition(`${base}.clean.${r.ext}`));
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Privacy-Removed', String(r.removed.length));
    res.setHeader('X-Manifest', r.manifest);
    res.status(200).end(r.bytes);
  };
}
