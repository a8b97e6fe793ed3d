/** Verifies the hash chain of the provenance record from its anchor (or genesis) to its head. */
import { GENESIS_HASH, rowHash } from './chain.js';
import type { SqliteRegistry } from './sqlite-registry.js';

export interface ChainReport {
  intact: boolean;
  rows: number;
  /** Hash of the last row: keep it elsewhere to detect a rewrite of the whole file. */
  head: string;
  /** Rows removed by retention before the first remaining one. */
  pruned: number;
  firstBad?: { seq: number; id?: string; reason: string };
}

export function checkChain(registry: SqliteRegistry): ChainReport {
  const anchor = registry.anchor();
  let expectedSeq = (anchor?.through_seq ?? 0) + 1;
  let prev = anchor?.hash ?? GENESIS_HASH;
  let rows = 0;
  const base = { pruned: anchor?.pruned ?? 0 };
  for (const row of registry.rows()) {
    const bad = (reason: string): ChainReport => ({ intact: false, rows, head: prev, ...base, firstBad: { seq: row.seq, id: row.id, reason } });
    if (row.seq !== expectedSeq) {
      return { intact: false, rows, head: prev, ...base, firstBad: { seq: expectedSeq, reason: `row ${expectedSeq} is missing (the next row is ${row.seq})` } };
    }
    if (row.prev_hash !== prev) return bad('its link to the previous row does not match (a row before it was changed, removed or inserted)');
    if (rowHash(row.prev_hash, row) !== row.hash) return bad('its content does not match its hash (the row was changed)');
    prev = row.hash;
    expectedSeq++;
    rows++;
  }
  return { intact: true, rows, head: prev, ...base };
}
