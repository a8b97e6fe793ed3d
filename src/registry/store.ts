/**
 * What the record's own commands (check, migrate) need beyond the RecordSink every door uses:
 * the chain in order, its anchor, and counts. Both stores (SQLite, PostgreSQL) implement it.
 */
import type { Actor, IsccMatch, RecordSink, StoredRecord } from '../domain/record.js';
import type { ReviewRow } from '../domain/review.js';
import type { Row } from './record-rows.js';

export interface ChainAnchor {
  through_seq: number;
  hash: string;
  pruned: number;
  at: string;
}

/** A row as stored, with its idempotency key (not part of the chain). */
export type StoredRow = Row & { job_id?: string | null };

export interface RecordStore extends RecordSink {
  /** The file or server (without password) the record lives in, for messages. */
  readonly where: string;
  /** Optional for other sinks, kept by both stores. */
  lookupIscc(code: string): Promise<IsccMatch | undefined>;
  recordReview(row: ReviewRow, actor: Actor): Promise<string>;
  findByJob(jobKey: string): Promise<StoredRecord | undefined>;
  findByMark(markId: number): Promise<StoredRecord | undefined>;
  promptOf: NonNullable<RecordSink['promptOf']>;
  erasePrompt: NonNullable<RecordSink['erasePrompt']>;
  expirePrompts: NonNullable<RecordSink['expirePrompts']>;
  /** Rows in chain order after `fromSeq`, without loading them all. */
  chainRows(fromSeq?: number): AsyncIterable<StoredRow>;
  chainAnchor(): Promise<ChainAnchor | undefined>;
  /** Rows of each type (label, verify, review). */
  countTypes(): Promise<Record<string, number>>;
}

/** A cutoff time for RETENTION_DAYS, as the stored ISO times compare. */
export function retentionCutoff(retentionDays: number, now: Date): string {
  return new Date(now.getTime() - retentionDays * 86_400_000).toISOString();
}
