/** Verifies the hash chain of the provenance record from its anchor (or genesis) to its head. */
import { GENESIS_HASH, rowHash } from './chain.js';
import type { Row } from './record-rows.js';
import type { SqliteRegistry } from './sqlite-registry.js';
import type { ChainAnchor, RecordStore } from './store.js';

export interface ChainReport {
  intact: boolean;
  rows: number;
  /** Hash of the last row: keep it elsewhere to detect a rewrite of the whole file. */
  head: string;
  /** Rows removed by retention before the first remaining one. */
  pruned: number;
  firstBad?: { seq: number; id?: string; reason: string };
}

/** The SQLite record, synchronously (tests and the bench call it between writes). */
export function checkChain(registry: SqliteRegistry): ChainReport {
  const check = new ChainCheck(registry.anchor());
  for (const row of registry.rows()) if (!check.next(row)) break;
  return check.report();
}

/** Any record store (SQLite or PostgreSQL), reading the chain page by page. */
export async function checkRecord(store: RecordStore): Promise<ChainReport> {
  const check = new ChainCheck(await store.chainAnchor());
  for await (const row of store.chainRows()) if (!check.next(row)) break;
  return check.report();
}

/** One pass over the rows in seq order; stops at the first row that breaks the chain. */
class ChainCheck {
  private expectedSeq: number;
  private prev: string;
  private rows = 0;
  private readonly pruned: number;
  private bad?: ChainReport['firstBad'];

  constructor(anchor: ChainAnchor | undefined) {
    this.expectedSeq = (anchor?.through_seq ?? 0) + 1;
    this.prev = anchor?.hash ?? GENESIS_HASH;
    this.pruned = anchor?.pruned ?? 0;
  }

  next(row: Row): boolean {
    if (row.seq !== this.expectedSeq) this.bad = { seq: this.expectedSeq, reason: `row ${this.expectedSeq} is missing (the next row is ${row.seq})` };
    else if (row.prev_hash !== this.prev)
      this.bad = { seq: row.seq, id: row.id, reason: 'its link to the previous row does not match (a row before it was changed, removed or inserted)' };
    else if (rowHash(row.prev_hash, row) !== row.hash)
      this.bad = { seq: row.seq, id: row.id, reason: 'its content does not match its hash (the row was changed)' };
    if (this.bad) return false;
    this.prev = row.hash;
    this.expectedSeq++;
    this.rows++;
    return true;
  }

  report(): ChainReport {
    const base = { rows: this.rows, head: this.prev, pruned: this.pruned };
    return this.bad ? { intact: false, ...base, firstBad: this.bad } : { intact: true, ...base };
  }
}
