/**
 * The provenance record on SQLite: implements RecordSink for every door, plus the chain check
 * and retention that only this storage can do. One row per labelling and per verification.
 */
import { sha256 } from '../domain/hash.js';
import type { Actor, IsccMatch, LabelRecord, PromptText, RecordQuery, StoredRecord } from '../domain/record.js';
import { type EraseOutcome, SqlitePrompts, type StoredPrompt } from './prompts.js';
import type { Signal, VerifyReport } from '../domain/report.js';
import type { ReviewRow } from '../domain/review.js';
import type { GreyImage } from '../media/sharp.js';
import { closeDatabase, type Db } from './database.js';
import { GENESIS_HASH, rowHash } from './chain.js';
import { STORED_CROPS, type Hash64 } from './fingerprint.js';
import { indexHex, IsccIndex } from './iscc-index.js';
import { FingerprintIndex } from './fingerprint-index.js';
import { bandsOf, IMAGE_MATCH_DISTANCE, MAX_GUARANTEED_DISTANCE, splitHashes, TEXT_MATCH_DISTANCE } from './near-index.js';
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
import { buildListQuery, decodeCursor, encodeCursor, pageSize } from './query.js';
import { pruneExpired } from './retention.js';
import type { ChainAnchor, RecordStore, StoredRow } from './store.js';

export { toStored, type Row, type StoredFingerprint } from './record-rows.js';

export interface RegistryOptions {
  maxPixels?: number;
  /** Clock, for tests of retention. */
  now?: () => Date;
}

export class SqliteRegistry implements RecordStore {
  readonly db: Db;
  private readonly maxPixels: number;
  private readonly now: () => Date;
  /** In-memory near-duplicate index over the fingerprints table, caught up before each lookup. */
  readonly nearIndex: FingerprintIndex;
  /** The ISCC codes of labelled outputs, for tracing copies and for lookups by code. */
  readonly iscc: IsccIndex;
  /** Prompt texts, outside the chain (prompts.ts). */
  readonly prompts: SqlitePrompts;
  private readonly stmt;

  constructor(db: Db, opts: RegistryOptions = {}) {
    this.db = db;
    this.maxPixels = opts.maxPixels ?? 120_000_000;
    this.now = opts.now ?? (() => new Date());
    this.stmt = {
      head: db.prepare('SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1'),
      anchor: db.prepare('SELECT through_seq, hash, pruned, at FROM chain_anchor WHERE id = 1'),
      insert: db.prepare(`INSERT INTO records (seq, id, time, type, actor, door, input_sha256, output_sha256, format, width, height,
        options, wording, manifest_label, verdict, fingerprint, data, prev_hash, hash, job_id)
        VALUES (@seq, @id, @time, @type, @actor, @door, @input_sha256, @output_sha256, @format, @width, @height,
        @options, @wording, @manifest_label, @verdict, @fingerprint, @data, @prev_hash, @hash, @job_id)`),
      byJob: db.prepare('SELECT id FROM records WHERE job_id = ?'),
      insertFingerprint: db.prepare('INSERT INTO fingerprints (record_seq, kind, hash, b0, b1, b2, b3) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      byId: db.prepare('SELECT * FROM records WHERE id = ?'),
      bySeq: db.prepare('SELECT * FROM records WHERE seq = ?'),
      byOutput: db.prepare("SELECT * FROM records WHERE type = 'label' AND output_sha256 = ? ORDER BY seq DESC LIMIT 1"),
    };
    this.nearIndex = new FingerprintIndex(db);
    this.iscc = new IsccIndex(db);
    this.prompts = new SqlitePrompts(db);
  }

  async recordLabel(record: LabelRecord, actor: Actor, output: Buffer, grey?: GreyImage, prompt?: PromptText): Promise<string> {
    const [fingerprint, iscc] = await Promise.all([
      fingerprintOf(record.kind, output, STORED_CROPS, this.maxPixels, grey),
      isccOfOutput(record.kind, output, this.maxPixels, grey),
    ]);
    return this.insertLabel(record, actor, iscc ? { ...fingerprint, iscc } : fingerprint, prompt);
  }

  /** The synchronous database part of recordLabel (the fingerprint is computed before). */
  insertLabel(record: LabelRecord, actor: Actor, fingerprint: StoredFingerprint | undefined, prompt?: PromptText): string {
    return this.append(labelAppend(record, actor, fingerprint, prompt));
  }

  /** A label's prompt as kept (outside the chain), or when it was erased; never in list() or exports. */
  async promptOf(id: string): Promise<StoredPrompt | undefined> {
    return this.prompts.get(id);
  }

  /** Deletes a label's prompt text, writer and salt; the row and the chain are untouched. */
  async erasePrompt(id: string): Promise<EraseOutcome> {
    return this.prompts.erase(id, this.now());
  }

  async promptMismatches(): Promise<string[]> {
    const row = this.db.prepare('SELECT data FROM records WHERE id = ?');
    const hashOf = (id: string) => {
      const r = row.get(id) as { data: string } | undefined;
      return r ? ((JSON.parse(r.data) as { promptHash?: string }).promptHash ?? undefined) : undefined;
    };
    return [...this.prompts.mismatches(hashOf)].slice(0, 1000);
  }

  /** PROMPT_RETENTION_DAYS: erases the prompts of labellings older than that. */
  async expirePrompts(days: number): Promise<number> {
    return this.prompts.expire(days, this.now());
  }

  /**
   * The verify core traces a file and then records the check on the same bytes: the
   * whole-picture hash traceCopy computed is reused instead of decoding the image again.
   */
  private readonly wholePictureHash = new WeakMap<Buffer, Hash64>();

  async recordVerify(report: VerifyReport, actor: Actor, input: Buffer): Promise<string> {
    // Kept for audits ("which checks concerned copies of this picture"), not indexed for tracing.
    const traced = this.wholePictureHash.get(input);
    const fingerprint = traced ? { image: [{ ...STORED_CROPS[0], hash: traced }] } : await fingerprintOf(report.kind, input, [STORED_CROPS[0]], this.maxPixels);
    return this.append(verifyAppend(report, actor, fingerprint));
  }

  async recordReview(row: ReviewRow, actor: Actor): Promise<string> {
    return this.append(reviewAppend(row, actor));
  }

  async findByJob(jobKey: string): Promise<StoredRecord | undefined> {
    const found = this.stmt.byJob.get(jobKey) as { id: string } | undefined;
    return found && this.get(found.id);
  }

  async traceCopy(input: Buffer, kind: 'image' | 'text'): Promise<Signal[]> {
    const exact = this.stmt.byOutput.get(sha256(input)) as Row | undefined;
    if (exact) return [traceSignal(toStored(exact), 'exact', 0)];
    const q = await traceQueriesOf(input, kind, this.maxPixels);
    if (!q) return [];
    if (q.wholePicture) this.wholePictureHash.set(input, q.wholePicture);
    const { queries, codes } = q;
    const limit = kind === 'image' ? IMAGE_MATCH_DISTANCE : TEXT_MATCH_DISTANCE;
    // One read snapshot: the matched row cannot be pruned between the lookup and its read.
    const match = this.db.transaction(() => {
      // ISCC first (it traces every survival copy kind, README); pHash/SimHash only for records labelled before ISCC codes were kept.
      const byIscc = this.iscc.nearest(kind, codes);
      if (byIscc) return { via: 'iscc' as const, distance: byIscc.distance, row: this.stmt.bySeq.get(byIscc.seq) as Row };
      const best = queries.length ? this.nearest(kind, queries, limit) : undefined;
      if (!best || this.iscc.covers(best.seq)) return undefined;
      return { via: 'fingerprint' as const, distance: best.distance, row: this.stmt.bySeq.get(best.seq) as Row };
    })();
    return match ? [nearSignal(match.row, match.distance, match.via, codes)] : [];
  }

  /**
   * The labelled output an ISCC code belongs to (a third party computed it from a copy): the
   * nearest stored code of the same kind within ISCC_MATCH_DISTANCE, with its record.
   */
  async lookupIscc(code: string): Promise<IsccMatch | undefined> {
    if (!indexHex(code)) return undefined;
    const kind = indexHex(code)!.kind;
    return this.db.transaction(() => {
      const best = this.iscc.nearest(kind, [code]);
      if (!best) return undefined;
      const row = this.stmt.bySeq.get(best.seq) as Row;
      return { record: toStored(row), distance: best.distance, matched: matchedCode(row, code) };
    })();
  }

  /** The closest indexed label fingerprint within maxDistance (newest on ties). */
  nearest(kind: 'image' | 'text', queries: Hash64[], maxDistance = MAX_GUARANTEED_DISTANCE): { seq: number; distance: number } | undefined {
    return this.db.transaction(() => {
      this.nearIndex.sync();
      return this.nearIndex.nearest(kind, splitHashes(queries), maxDistance);
    })();
  }

  async list(query: RecordQuery): Promise<{ items: StoredRecord[]; next?: string }> {
    const limit = pageSize(query.limit);
    const { sql, params } = buildListQuery(query, decodeCursor(query.cursor), limit + 1);
    const rows = this.db.prepare(sql).all(params) as Row[];
    const items = rows.slice(0, limit).map(toStored);
    return { items, next: rows.length > limit ? encodeCursor(items[items.length - 1].seq) : undefined };
  }

  async findByMark(markId: number): Promise<StoredRecord | undefined> {
    const row = this.db
      .prepare("SELECT * FROM records WHERE type = 'label' AND json_extract(data, '$.watermark.markId') = ? ORDER BY seq DESC LIMIT 1")
      .get(markId) as Row | undefined;
    return row && toStored(row);
  }

  async get(id: string): Promise<StoredRecord | undefined> {
    const row = this.stmt.byId.get(id) as Row | undefined;
    return row && toStored(row);
  }

  async prune(retentionDays: number): Promise<{ removed: number }> {
    return pruneExpired(this, retentionDays);
  }

  async close(): Promise<void> {
    closeDatabase(this.db);
  }

  /** Rows in chain order, for the chain check and exports, without loading them all. */
  *rows(fromSeq = 0): IterableIterator<Row> {
    yield* this.db.prepare('SELECT * FROM records WHERE seq > ? ORDER BY seq').iterate(fromSeq) as IterableIterator<Row>;
  }

  anchor(): ChainAnchor | undefined {
    return this.stmt.anchor.get() as ChainAnchor | undefined;
  }

  get where(): string {
    return this.db.name;
  }

  async *chainRows(fromSeq = 0): AsyncIterable<StoredRow> {
    yield* this.rows(fromSeq);
  }

  async chainAnchor(): Promise<ChainAnchor | undefined> {
    return this.anchor();
  }

  async countTypes(): Promise<Record<string, number>> {
    const rows = this.db.prepare('SELECT type, count(*) AS n FROM records GROUP BY type').all() as { type: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.type, r.n]));
  }

  private append(r: AppendInput): string {
    const now = this.now();
    const id = recordIdOf(r, now);
    const write = this.db.transaction((): string => {
      // A job redone after a crash already has its row: return it instead of writing a second one.
      const done = r.actor.jobId ? (this.stmt.byJob.get(r.actor.jobId) as { id: string } | undefined) : undefined;
      if (done) return done.id;
      // Read the head inside an IMMEDIATE transaction: two processes cannot fork the chain.
      const head = this.stmt.head.get() as { seq: number; hash: string } | undefined;
      const anchor = head ? undefined : this.anchor();
      const seq = head ? head.seq + 1 : (anchor?.through_seq ?? 0) + 1;
      const prev_hash = head?.hash ?? anchor?.hash ?? GENESIS_HASH;
      const row = chainedRow(r, seq, id, now);
      this.stmt.insert.run({ ...row, prev_hash, hash: rowHash(prev_hash, row), job_id: r.actor.jobId ?? null });
      if (r.prompt) this.prompts.insert(id, row.time, r.prompt);
      if (r.indexFingerprints) this.indexFingerprints(seq, r.fingerprint);
      return id;
    });
    return write.immediate();
  }

  private indexFingerprints(seq: number, fp: StoredFingerprint | undefined): void {
    for (const [kind, hash] of indexedHashes(fp)) this.stmt.insertFingerprint.run(seq, kind, hash, ...bandsOf(hash));
    this.iscc.add(seq, fp?.iscc);
  }
}
