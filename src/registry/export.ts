/**
 * Compliance exports of a date range: what a regulator or auditor asks for. Works on any
 * RecordSink (it pages through `list`), so a server database gets the same exports.
 */
import type { RecordSink, StoredRecord } from '../domain/record.js';
import { LabellerError } from '../domain/errors.js';
import { MAX_PAGE } from './query.js';

export type ExportFormat = 'csv' | 'json';

export const CSV_COLUMNS = [
  'seq',
  'id',
  'time',
  'type',
  'actor',
  'door',
  'format',
  'verdict',
  'input_sha256',
  'output_sha256',
  'manifest_label',
  'languages',
  'wording',
  'ai_system',
  'source_type',
  'hash',
  'prev_hash',
] as const;

/** All records from `from` to `to` (ISO dates; a bare `to` date includes its day), oldest first. */
export async function recordsInRange(sink: RecordSink, from: string, to: string): Promise<StoredRecord[]> {
  const all: StoredRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await sink.list({ from, to, limit: MAX_PAGE, cursor });
    all.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return all.reverse();
}

export async function exportRecords(sink: RecordSink, range: { from: string; to: string }, format: ExportFormat): Promise<string> {
  const records = await recordsInRange(sink, range.from, range.to);
  if (format === 'json') return toJson(records, range);
  if (format === 'csv') return toCsv(records);
  throw new LabellerError('bad_option', `Expected csv or json for format but received "${format as string}"`);
}

export function toJson(records: StoredRecord[], range: { from: string; to: string }): string {
  return JSON.stringify({ exportedAt: new Date().toISOString(), from: range.from, to: range.to, count: records.length, records }, null, 2) + '\n';
}

/** RFC 4180 CSV, one row per record; the full record stays in the JSON export. */
export function toCsv(records: StoredRecord[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of records) {
    const d = r.data as { languages?: string[]; wording?: Record<string, string>; aiSystem?: string; sourceType?: string };
    const values: Record<(typeof CSV_COLUMNS)[number], unknown> = {
      seq: r.seq,
      id: r.id,
      time: r.time,
      type: r.type,
      actor: r.actor,
      door: r.door,
      format: r.format,
      verdict: r.verdict,
      input_sha256: r.inputSha256,
      output_sha256: r.outputSha256,
      manifest_label: r.manifestLabel,
      languages: d.languages?.join(' '),
      wording: d.wording
        ? Object.entries(d.wording)
            .map(([k, v]) => `${k}: ${v}`)
            .join(' | ')
        : undefined,
      ai_system: d.aiSystem,
      source_type: d.sourceType,
      hash: r.hash,
      prev_hash: r.prevHash,
    };
    lines.push(CSV_COLUMNS.map((c) => csvCell(values[c])).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

function csvCell(v: unknown): string {
  if (v === undefined || v === null) return '';
  let s = String(v);
  // A cell starting with = + - @ is a formula in spreadsheets: neutralise it (CSV injection).
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
