/**
 * The hash chain over the provenance record: each row's hash is
 * SHA-256(prev_hash + canonical JSON of the row's stored columns), so editing, removing or
 * reordering any row breaks every hash after it. The chain proves integrity only relative to a
 * known head: keep the head hash that `labeller records check` prints somewhere else (a
 * newsroom log, an e-mail to the auditor) to make a rewrite of the whole file detectable too.
 */
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** The columns the chain covers, exactly as stored (JSON columns as their stored text). */
export interface ChainedRow {
  seq: number;
  id: string;
  time: string;
  type: string;
  actor: string;
  door: string;
  input_sha256: string;
  output_sha256: string | null;
  format: string;
  width: number | null;
  height: number | null;
  options: string | null;
  wording: string | null;
  manifest_label: string | null;
  verdict: string | null;
  fingerprint: string | null;
  data: string;
}

export const CHAINED_COLUMNS: (keyof ChainedRow)[] = [
  'seq',
  'id',
  'time',
  'type',
  'actor',
  'door',
  'input_sha256',
  'output_sha256',
  'format',
  'width',
  'height',
  'options',
  'wording',
  'manifest_label',
  'verdict',
  'fingerprint',
  'data',
];

export function rowHash(prevHash: string, row: ChainedRow): string {
  const content: Record<string, unknown> = {};
  for (const c of CHAINED_COLUMNS) content[c] = row[c] ?? null;
  return createHash('sha256').update(prevHash).update(canonicalJson(content)).digest('hex');
}

/** JSON with object keys sorted at every level and undefined dropped: one text per value. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : sortKeys(x)));
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}
