/** GET /api/v1/records and /api/v1/records/:id: the provenance record, read-only. */
import type { RequestHandler } from 'express';
import type { AppDeps } from '../deps.js';
import { HttpProblem } from '../problem.js';
import { callerOf } from '../auth.js';
import { LabellerError } from '../../domain/errors.js';
import type { RecordSink } from '../../core/types.js';
import { parseRecordQuery } from '../../domain/record-query.js';

function sink(deps: AppDeps): RecordSink {
  if (!deps.ctx.records) throw new HttpProblem('not_implemented', 'This service keeps no provenance record.');
  return deps.ctx.records;
}

export function listRecordsHandler(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const records = sink(deps);
    const q = queryOf(req.query as Record<string, unknown>);
    // Labellers and editors read their own rows; the whole record is the admin's.
    const me = callerOf(res);
    if (me.role !== 'admin') {
      if (q.actor && q.actor !== me.key)
        throw new LabellerError('role_required', `reading another key's records needs the admin role; the key "${me.key}" has the ${me.role} role`);
      q.actor = me.key;
    }
    res.setHeader('Cache-Control', 'no-store');
    res.json(await records.list(q));
  };
}

export function getRecordHandler(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const records = sink(deps);
    const id = String(req.params.id);
    if (!/^[\w:.-]{1,128}$/.test(id)) throw new LabellerError('not_found', 'No record has this id.');
    const rec = await records.get(id);
    const me = callerOf(res);
    if (!rec || (me.role !== 'admin' && rec.actor !== me.key)) throw new LabellerError('not_found', 'No record has this id.');
    res.setHeader('Cache-Control', 'no-store');
    // A label's prompt (kept outside the chain) is shown to admins only, and only here: never in lists or exports.
    const prompt = me.role === 'admin' && rec.type === 'label' ? await records.promptOf?.(rec.id) : undefined;
    res.json(prompt ? { ...rec, prompt } : rec);
  };
}

/** The shared record query; a bad filter is a bad request (the code this route has always used). */
function queryOf(raw: Record<string, unknown>) {
  try {
    return parseRecordQuery(flatten(raw));
  } catch (err) {
    throw err instanceof LabellerError ? new HttpProblem('bad_request', `Invalid query: ${err.message}`) : err;
  }
}

/** `?a=1&a=2` arrives as an array: keep the last value rather than fail the schema. */
function flatten(q: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(q).map(([k, v]) => [k, Array.isArray(v) ? v[v.length - 1] : v]));
}
