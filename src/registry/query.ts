/** Filters and pagination of the record list, validated once for every door. */
import type { RecordQuery } from '../domain/record.js';
import { LabellerError } from '../domain/errors.js';

import { DEFAULT_PAGE, MAX_PAGE } from '../domain/record-query.js';

export { DEFAULT_PAGE, MAX_PAGE };

export function pageSize(limit?: number): number {
  if (limit === undefined) return DEFAULT_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
    throw new LabellerError('bad_option', `Expected a page size from 1 to ${MAX_PAGE} but received ${limit}`);
  return limit;
}

/**
 * An ISO date or date-time → a bound comparable with the stored ISO times. A bare date covers
 * its whole day (UTC): `to 2025-03-31` includes the 31st.
 */
export function dateBound(value: string, side: 'from' | 'to'): { op: '>=' | '<' | '<='; time: string } {
  const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const t = new Date(dayOnly ? `${value}T00:00:00.000Z` : value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(t.getTime())) {
    throw new LabellerError('bad_option', `Expected an ISO date (2025-03-31) or date-time for ${side} but received "${value}"`);
  }
  if (side === 'from') return { op: '>=', time: t.toISOString() };
  if (dayOnly) return { op: '<', time: new Date(t.getTime() + 86_400_000).toISOString() };
  return { op: '<=', time: t.toISOString() };
}

export function encodeCursor(seq: number): string {
  return Buffer.from(JSON.stringify({ before: seq })).toString('base64url');
}

export function decodeCursor(cursor?: string): number | undefined {
  if (!cursor) return undefined;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { before?: unknown };
    if (typeof v.before === 'number' && Number.isInteger(v.before)) return v.before;
  } catch {
    /* reported below */
  }
  throw new LabellerError('bad_option', 'the pagination cursor is not one this server gave out');
}

/** Newest first; `beforeSeq` continues after the last row of the previous page. */
export function buildListQuery(q: RecordQuery, beforeSeq: number | undefined, limit: number): { sql: string; params: Record<string, unknown> } {
  const where: string[] = [];
  const params: Record<string, unknown> = { limit };
  if (q.from) {
    const b = dateBound(q.from, 'from');
    where.push(`time ${b.op} @from`);
    params.from = b.time;
  }
  if (q.to) {
    const b = dateBound(q.to, 'to');
    where.push(`time ${b.op} @to`);
    params.to = b.time;
  }
  if (q.actor) {
    where.push('actor = @actor');
    params.actor = q.actor;
  }
  if (q.verdict) {
    where.push('verdict = @verdict');
    params.verdict = q.verdict;
  }
  if (q.type) {
    if (q.type !== 'label' && q.type !== 'verify' && q.type !== 'review')
      throw new LabellerError('bad_option', `Expected label, verify or review for type but received "${q.type}"`);
    where.push('type = @type');
    params.type = q.type;
  }
  if (beforeSeq !== undefined) {
    where.push('seq < @before');
    params.before = beforeSeq;
  }
  const sql = `SELECT * FROM records ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT @limit`;
  return { sql, params };
}
