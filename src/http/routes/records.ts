/** GET /api/v1/records and /api/v1/records/:id: the provenance record, read-only. */
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../deps.js';
import { HttpProblem } from '../problem.js';
import { LabellerError } from '../../errors.js';
import type { RecordSink } from '../../core/types.js';

const isoDate = z.string().trim().max(40).refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO 8601 date');

const QuerySchema = z
  .object({
    from: isoDate.optional(),
    to: isoDate.optional(),
    actor: z.string().trim().min(1).max(64).optional(),
    verdict: z.string().trim().min(1).max(40).optional(),
    type: z.enum(['label', 'verify']).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().trim().min(1).max(500).optional(),
  })
  .strict();

function sink(deps: AppDeps): RecordSink {
  if (!deps.ctx.records) throw new HttpProblem('not_implemented', 'This service keeps no provenance record.');
  return deps.ctx.records;
}

export function listRecordsHandler(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const records = sink(deps);
    const q = QuerySchema.safeParse(flatten(req.query as Record<string, unknown>));
    if (!q.success) {
      throw new HttpProblem('bad_request', `Invalid query: ${q.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ')}`);
    }
    res.setHeader('Cache-Control', 'no-store');
    res.json(await records.list(q.data));
  };
}

export function getRecordHandler(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const records = sink(deps);
    const id = String(req.params.id);
    if (!/^[\w:.-]{1,128}$/.test(id)) throw new LabellerError('not_found', 'No record has this id.');
    const rec = await records.get(id);
    if (!rec) throw new LabellerError('not_found', 'No record has this id.');
    res.setHeader('Cache-Control', 'no-store');
    res.json(rec);
  };
}

/** `?a=1&a=2` arrives as an array: keep the last value rather than fail the schema. */
function flatten(q: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(q).map(([k, v]) => [k, Array.isArray(v) ? v[v.length - 1] : v]));
}
