/**
 * GET /api/v1/lookup?iscc=ISCC:…: the soft-binding resolver. Anyone who computed the ISCC
 * Content-Code of a copy (an Image- or Text-Code, 64 bits or more) learns which labelled
 * output of ours it is, with the record and the manifest label. Same key rules as the record:
 * a key is needed, and a key with a role other than admin (when roles are configured) only
 * finds its own rows.
 */
import type { RequestHandler } from 'express';
import { LabellerError } from '../../domain/errors.js';
import { decodeUnit } from '../../domain/iscc/index.js';
import type { AppDeps } from '../deps.js';
import { HttpProblem } from '../problem.js';

export function lookupHandler(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const records = deps.ctx.records;
    if (!records?.lookupIscc) throw new HttpProblem('not_implemented', 'This service keeps no provenance record.');
    const raw = req.query.iscc;
    const code = typeof raw === 'string' ? raw : Array.isArray(raw) ? String(raw[raw.length - 1]) : '';
    const unit = code.length <= 100 ? decodeUnit(code) : undefined;
    if (unit?.mainType !== 2 || unit.subType > 1 || unit.bits < 64)
      throw new HttpProblem('bad_request', 'iscc must be an ISCC Image-Code or Text-Code of 64 bits or more, such as ISCC:EEA…');
    const found = await records.lookupIscc(code);
    const role = res.locals.keyRole as string | undefined;
    if (!found || (role !== undefined && role !== 'admin' && found.record.actor !== res.locals.keyName))
      throw new LabellerError('not_found', 'No labelled output in the record has an ISCC near this code.');
    res.setHeader('Cache-Control', 'no-store');
    res.json({ iscc: code, distance: found.distance, matched: found.matched, manifestLabel: found.record.manifestLabel ?? null, record: found.record });
  };
}
