/**
 * The provenance record on PostgreSQL, for several service instances sharing one record: the
 * same rows and hash chain as the SQLite record (record-rows.ts builds both). Appends take one
 * transaction-scoped advisory lock, so the head read and the insert of every instance are
 * serialised and the chain never forks; a job's idempotency key is checked under the same lock.
 */
import { LabellerError } from '../domain/errors.js';
import { sha256 } from '../domain/hash.js';
import type { Actor, GreyImage, IsccMatch, LabelRecord, Lease, PromptText, RecordQuery, StoredRecord } from '../domain/record.js';
import type { Signal, VerifyReport } from '../domain/report.js';
import type { ReviewRow } from '../domain/review.js';
import { CHAINED_COLUMNS, GENESIS_HASH, rowHash } from './chain.js';
import { STORED_CROPS, type Hash64 } from './fingerprint.js';
import { indexHex, ISCC_MATCH_DISTANCE, storedCodes } from './iscc-index.js';
import { IMAGE_MATCH_DISTANCE, TEXT_MATCH_DISTANCE } from './near-index.js';
import { indexColumns, nearestInSql } from './pg-near.js';
import { PG_MIGRATIONS } from './pg-migrations.js';
import { erasePrompt, expirePrompts, insertPrompt, promptMismatches, promptOf } from './pg-prompts.js';
import { type SharedKeyRow, sharedKeys } from './pg-keys.js';
import type { EraseOutcome, StoredPrompt } from './prompts.js';
import { openPostgres, type PgDb, type PgQuery } from './postgres.js';
import { buildListQuery, decodeCursor, encodeCursor, pageSize } from './query.js';
import {
  type AppendInput,
  chainedRow,
  fingerprintOf,
  indexedHashes,
  isccOfOutput,
  labelAppend,
  matchedCode,
  nearSignal,
  recordIdOf,
  reviewAppend,
  type Row,
  type StoredFingerprint,
  toStored,
  traceQueriesOf,
  traceSignal,
  verifyAppend,
} from './record-rows.js';
import { type ChainAnchor, type RecordStore, retentionCutoff, type StoredRow } from './store.js';

/** The advisory lock every append and every prune takes: one writer of the chain at a time. */
const CHAIN_LOCK = 0x6c61_6232;
const PAGE = 1000;
const COLUMNS = [...CHAINED_COLUMNS, 'prev_hash', 'hash', 'job_id'] as const;
const INSERT = `INSERT INTO records (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`;

export interface PgRegistryOptions {
  maxPixels?: number;
  now?: () => Date;
}

export async function openPgRegistry(url: string, opts: PgRegistryOptions = {}): Promise<PgRegistry> {
  return new PgRegistry(await openPostgres(url, PG_MIGRATIONS), opts);
}

/** Advisory lock keys of the roles one instance holds at a time. */
const LEASES = { watch: 0x6c61_6277 } as const;

export class PgRegistry implements RecordStore {
  readonly db: PgDb;
  private readonly maxPixels: number;
  private readonly now: () => Date;
  /** As in the SQLite record: a verification reuses the whole-picture hash its trace computed. */
  private readonly wholePictureHash = new WeakMap<Buffer, Hash64>();

  constructor(db: PgDb, opts: PgRegistryOptions = {}) {
    this.db = db;
    this.maxPixels = opts.maxPixels ?? 120_000_000;
    this.now = opts.now ?? (() => new Date());
  }

  get where(): string {
    return this.db.where;
  }

  /** The watch folder's lease: one instance runs it; another takes over when that one's connection ends. */
  lease(name: 'watch'): Promise<Lease | undefined> {
    return this.db.lease(LEASES[name]);
  }

  async recordLabel(record: LabelRecord, actor: Actor, output: Buffer, grey?: GreyImage, prompt?: PromptText): Promise<string> {
    const [fingerprint, iscc] = await Promise.all([
      fingerprintOf(record.kind, output, STORED_CROPS, this.maxPixels, grey),
      isccOfOutput(record.kind, output, this.maxPixels, grey),
    ]);
    return this.insertLabel(record, actor, iscc ? { ...fingerprint, iscc } : fingerprint, prompt);
  }

  /** The database part of recordLabel (the fingerprint is computed before). */
  insertLabel(record: LabelRecord, actor: Actor, fingerprint: StoredFingerprint | undefined, prompt?: PromptText): Promise<string> {
    return this.append(labelAppend(record, actor, fingerprint, prompt));
  }

  /** A label's prompt as kept (outside the chain), or when it was erased. */
  promptOf(id: string): Promise<StoredPrompt | undefined> {
    return promptOf(this.db, id);
  }

  erasePrompt(id: string): Promise<EraseOutcome> {
    return erasePrompt(this.db, id, this.now());
  }

  promptMismatches(): Promise<string[]> {
    return promptMismatches(this.db);
  }

  expirePrompts(days: number): Promise<number> {
    return expirePrompts(this.db, days, this.now());
  }

  async recordVerify(report: VerifyReport, actor: Actor, input: Buffer): Promise<string> {
    const traced = this.wholePictureHash.get(input);
    const fingerprint = traced ? { image: [{ ...STORED_CROPS[0], hash: traced }] } : await fingerprintOf(report.kind, input, [STORED_CROPS[0]], this.maxPixels);
    return this.append(verifyAppend(report, actor, fingerprint));
  }

  async recordReview(row: ReviewRow, actor: Actor): Promise<string> {
    return this.append(reviewAppend(row, actor));
  }

  async findByJob(jobKey: string): Promise<StoredRecord | undefined> {
    const [row] = await this.db.query<Row>('SELECT * FROM records WHERE job_id = $1', [jobKey]);
    return row && toStored(row);
  }

  async traceCopy(input: Buffer, kind: 'image' | 'text'): Promise<Signal[]> {
    const [exact] = await this.db.query<Row>("SELECT * FROM records WHERE type = 'label' AND output_sha256 = $1 ORDER BY seq DESC LIMIT 1", [sha256(input)]);
    if (exact) return [traceSignal(toStored(exact), 'exact', 0)];
    const q = await traceQueriesOf(input, kind, this.maxPixels);
    if (!q) return [];
    if (q.wholePicture) this.wholePictureHash.set(input, q.wholePicture);
    const limit = kind === 'image' ? IMAGE_MATCH_DISTANCE : TEXT_MATCH_DISTANCE;
    // One snapshot: the matched row cannot be pruned between the lookup and its read.
    const match = await this.db.transaction(
      async (tx) => {
        // ISCC first; pHash/SimHash only for records labelled before ISCC codes were kept.
        const byIscc = await this.nearestCode(tx, kind, q.codes);
        if (byIscc) return { via: 'iscc' as const, distance: byIscc.distance, row: await rowAt(tx, byIscc.seq) };
        const best = q.queries.length ? await nearestInSql(tx, 'fingerprints', kind, q.queries, limit) : undefined;
        if (!best || (await tx.query('SELECT 1 FROM iscc_codes WHERE record_seq = $1 LIMIT 1', [best.seq])).length) return undefined;
        return { via: 'fingerprint' as const, distance: best.distance, row: await rowAt(tx, best.seq) };
      },
      { readOnly: true },
    );
    return match ? [nearSignal(match.row, match.distance, match.via, q.codes)] : [];
  }

  async lookupIscc(code: string): Promise<IsccMatch | undefined> {
    const k = indexHex(code);
    if (!k) return undefined;
    return this.db.transaction(
      async (tx) => {
        const best = await this.nearestCode(tx, k.kind, [code]);
        if (!best) return undefined;
        const row = await rowAt(tx, best.seq);
        return { record: toStored(row), distance: best.distance, matched: matchedCode(row, code) };
      },
      { readOnly: true },
    );
  }

  async list(query: RecordQuery): Promise<{ items: StoredRecord[]; next?: string }> {
    const limit = pageSize(query.limit);
    const { sql, params } = buildListQuery(query, decodeCursor(query.cursor), limit + 1);
    const rows = await this.db.query<Row>(...positional(sql, params));
    const items = rows.slice(0, limit).map(toStored);
    return { items, next: rows.length > limit ? encodeCursor(items[items.length - 1].seq) : undefined };
  }

  /** The label whose output carries this invisible watermark mark id (records_watermark index). */
  async findByMark(markId: number): Promise<StoredRecord | undefined> {
    const [row] = await this.db.query<Row>(
      "SELECT * FROM records WHERE type = 'label' AND (data::jsonb -> 'watermark' ->> 'markId')::bigint = $1 ORDER BY seq DESC LIMIT 1",
      [markId],
    );
    return row && toStored(row);
  }

  async get(id: string): Promise<StoredRecord | undefined> {
    const [row] = await this.db.query<Row>('SELECT * FROM records WHERE id = $1', [id]);
    return row && toStored(row);
  }

  /** Retention as in retention.ts: a prefix of the chain removed, the last removed hash kept as the anchor. */
  async prune(retentionDays: number, now = new Date()): Promise<{ removed: number; throughSeq?: number }> {
    if (!retentionDays || retentionDays <= 0) return { removed: 0 };
    const cutoff = retentionCutoff(retentionDays, now);
    return this.db.transaction(
      async (tx) => {
        const [{ first, head }] = await tx.query<{ first: number | null; head: number | null }>(
          'SELECT (SELECT min(seq) FROM records WHERE time >= $1) AS first, (SELECT max(seq) FROM records) AS head',
          [cutoff],
        );
        if (head === null) return { removed: 0 };
        const through = first === null ? head : first - 1;
        const [last] = await tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM records WHERE seq <= $1 ORDER BY seq DESC LIMIT 1', [through]);
        if (!last) return { removed: 0 };
        const before = await anchorOf(tx);
        await tx.query("SET LOCAL labeller.retention = 'on'");
        await tx.query('DELETE FROM fingerprints WHERE record_seq <= $1', [through]);
        await tx.query('DELETE FROM iscc_codes WHERE record_seq <= $1', [through]);
        await tx.query('DELETE FROM prompts WHERE record_id IN (SELECT id FROM records WHERE seq <= $1)', [through]);
        const removed = (await tx.query('DELETE FROM records WHERE seq <= $1 RETURNING 1', [through])).length;
        await tx.query("SET LOCAL labeller.retention = 'off'");
        await tx.query(
          `INSERT INTO chain_anchor (id, through_seq, hash, pruned, at) VALUES (1, $1, $2, $3, $4)
           ON CONFLICT (id) DO UPDATE SET through_seq = $1, hash = $2, pruned = $3, at = $4`,
          [last.seq, last.hash, (before?.pruned ?? 0) + removed, now.toISOString()],
        );
        return { removed, throughSeq: last.seq };
      },
      { lock: CHAIN_LOCK },
    );
  }

  /** The API keys every instance shares; `first` is stored when there is none (pg-keys.ts). */
  sharedKeys(first: SharedKeyRow): Promise<{ keys: SharedKeyRow[]; created: boolean }> {
    return sharedKeys(this.db, first, this.now());
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  async *chainRows(fromSeq = 0): AsyncIterable<StoredRow> {
    for (let after = fromSeq; ; ) {
      const rows = await this.db.query<StoredRow>('SELECT * FROM records WHERE seq > $1 ORDER BY seq LIMIT $2', [after, PAGE]);
      yield* rows;
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1].seq;
    }
  }

  chainAnchor(): Promise<ChainAnchor | undefined> {
    return anchorOf(this.db);
  }

  async countTypes(): Promise<Record<string, number>> {
    const rows = await this.db.query<{ type: string; n: number }>('SELECT type, count(*)::bigint AS n FROM records GROUP BY type');
    return Object.fromEntries(rows.map((r) => [r.type, r.n]));
  }

  /**
   * Copies a whole record as it is (seqs, hashes, job ids, the retention anchor, prompts) into
   * this empty one, in one transaction, with the near-copy indexes of label rows: `records migrate`.
   */
  async importRecord(source: ImportSource): Promise<number> {
    return this.db.transaction(
      async (tx) => {
        const [{ n }] = await tx.query<{ n: number }>('SELECT (SELECT count(*) FROM records) + (SELECT count(*) FROM chain_anchor) AS n');
        if (n > 0) throw new LabellerError('bad_option', `the record at ${this.where} is not empty: migrate into a new database`);
        const a = source.anchor;
        if (a)
          await tx.query('INSERT INTO chain_anchor (id, through_seq, hash, pruned, at) VALUES (1, $1, $2, $3, $4)', [a.through_seq, a.hash, a.pruned, a.at]);
        let copied = 0;
        let batch: StoredRow[] = [];
        const flush = async () => {
          await tx.query('INSERT INTO records SELECT * FROM json_populate_recordset(NULL::records, $1)', [JSON.stringify(batch.map(columnsOf))]);
          for (const row of batch)
            if (row.type === 'label') await indexRow(tx, row.seq, JSON.parse(row.fingerprint ?? 'null') as StoredFingerprint | undefined);
          copied += batch.length;
          batch = [];
        };
        for await (const row of source.rows) {
          batch.push(row);
          if (batch.length === PAGE) await flush();
        }
        if (batch.length) await flush();
        if (source.prompts.length)
          await tx.query('INSERT INTO prompts SELECT * FROM json_populate_recordset(NULL::prompts, $1)', [JSON.stringify(source.prompts)]);
        return copied;
      },
      { lock: CHAIN_LOCK },
    );
  }

  private nearestCode(tx: PgQuery, kind: 'image' | 'text', codes: string[]): Promise<{ seq: number; distance: number } | undefined> {
    const hexes = codes.map(indexHex).flatMap((k) => (k && k.kind === kind ? [k.hex] : []));
    return nearestInSql(tx, 'iscc_codes', kind, hexes, ISCC_MATCH_DISTANCE);
  }

  private async append(r: AppendInput): Promise<string> {
    const now = this.now();
    const id = recordIdOf(r, now);
    return this.db.transaction(
      async (tx) => {
        // A job redone (here or on another instance) already has its row: return it.
        if (r.actor.jobId) {
          const [done] = await tx.query<{ id: string }>('SELECT id FROM records WHERE job_id = $1', [r.actor.jobId]);
          if (done) return done.id;
        }
        // Under the chain lock, and each statement sees every commit before it: the head is the head.
        const [head] = await tx.query<{ seq: number; hash: string }>('SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1');
        const anchor = head ? undefined : await anchorOf(tx);
        const seq = head ? head.seq + 1 : (anchor?.through_seq ?? 0) + 1;
        const prev_hash = head?.hash ?? anchor?.hash ?? GENESIS_HASH;
        const row = chainedRow(r, seq, id, now);
        const stored: StoredRow = { ...row, prev_hash, hash: rowHash(prev_hash, row), job_id: r.actor.jobId ?? null };
        await tx.query(
          INSERT,
          COLUMNS.map((c) => stored[c] ?? null),
        );
        if (r.indexFingerprints) await indexRow(tx, seq, r.fingerprint);
        if (r.prompt) await insertPrompt(tx, id, row.time, r.prompt);
        return id;
      },
      { lock: CHAIN_LOCK },
    );
  }
}

/** What `importRecord` copies from another store. */
export interface ImportSource {
  anchor?: ChainAnchor;
  rows: Iterable<StoredRow> | AsyncIterable<StoredRow>;
  /** The prompts table's rows as they are (erased ones included). */
  prompts: Record<string, unknown>[];
}

/** A row's stored columns in table order (the idempotency key null when absent). */
function columnsOf(row: StoredRow): Record<(typeof COLUMNS)[number], unknown> {
  return Object.fromEntries(COLUMNS.map((c) => [c, row[c] ?? null])) as Record<(typeof COLUMNS)[number], unknown>;
}

/** The pHash/SimHash and ISCC rows of a label, one INSERT per table. */
async function indexRow(tx: PgQuery, seq: number, fp: StoredFingerprint | undefined): Promise<void> {
  const prints = indexedHashes(fp).map(([kind, hash]) => [kind, hash, ...indexColumns(hash)] as const);
  const codes = [...new Set(storedCodes(fp?.iscc))].flatMap((code) => {
    const k = indexHex(code);
    return k ? [[k.kind, code, ...indexColumns(k.hex)] as const] : [];
  });
  for (const [table, col, rows] of [
    ['fingerprints', 'hash', prints],
    ['iscc_codes', 'code', codes],
  ] as const) {
    if (!rows.length) continue;
    const column = (i: number) => rows.map((r) => r[i]);
    await tx.query(
      `INSERT INTO ${table} (record_seq, kind, ${col}, h, b0, b1, b2, b3)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::int[], $6::int[], $7::int[], $8::int[])`,
      [seq, column(0), column(1), column(2), column(3), column(4), column(5), column(6)],
    );
  }
}

async function rowAt(tx: PgQuery, seq: number): Promise<Row> {
  const [row] = await tx.query<Row>('SELECT * FROM records WHERE seq = $1', [seq]);
  return row;
}

async function anchorOf(q: PgQuery): Promise<ChainAnchor | undefined> {
  const [a] = await q.query<ChainAnchor>('SELECT through_seq, hash, pruned, at FROM chain_anchor WHERE id = 1');
  return a;
}

/** The list query's @names as PostgreSQL's $1, $2…. */
function positional(sql: string, params: Record<string, unknown>): [string, unknown[]] {
  const names: string[] = [];
  const text = sql.replace(/@(\w+)/g, (_, name: string) => {
    if (!names.includes(name)) names.push(name);
    return `$${names.indexOf(name) + 1}`;
  });
  return [text, names.map((n) => params[n])];
}
