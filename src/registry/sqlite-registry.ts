/**
 * The provenance record on SQLite: implements RecordSink for every door, plus the chain check
 * and retention that only this storage can do. One row per labelling and per verification.
 */
import { sha256 } from '../domain/hash.js';
import type { Actor, IsccMatch, LabelRecord, RecordQuery, RecordSink, StoredRecord } from '../domain/record.js';
import type { Signal, VerifyReport } from '../domain/report.js';
import type { ReviewRow } from '../domain/review.js';
import type { GreyImage } from '../media/sharp.js';
import { closeDatabase, type Db } from './database.js';
import { canonicalJson, GENESIS_HASH, rowHash, type ChainedRow } from './chain.js';
import { fingerprintsOfGrey, imageFingerprints, QUERY_CROPS, STORED_CROPS, textSimhashOf, type Hash64 } from './fingerprint.js';
import { greyMaster } from '../media/sharp.js';
import { codeDistance } from '../domain/iscc/index.js';
import {
  imageCodesOfGrey,
  indexHex,
  IsccIndex,
  MIN_TEXT_CHARACTERS,
  QUERY_ISCC_CROPS,
  STORED_ISCC_CROPS,
  storedCodes,
  textCodesOf,
  type StoredIscc,
} from './iscc-index.js';
import { newRecordId } from './ids.js';
import { FingerprintIndex } from './fingerprint-index.js';
import { bandsOf, IMAGE_MATCH_DISTANCE, MAX_GUARANTEED_DISTANCE, splitHashes, TEXT_MATCH_DISTANCE } from './near-index.js';
import { ANONYMOUS_ACTOR, clip, compactReport } from './compact.js';
import { buildListQuery, decodeCursor, encodeCursor, pageSize } from './query.js';
import { pruneExpired } from './retention.js';
import { verdictOf } from './verdict.js';

/** Stored in records.fingerprint: the perceptual fingerprints of a label's output (or a verified input). */
export interface StoredFingerprint {
  image?: { keep: number; ax: number; ay: number; hash: Hash64 }[];
  text?: Hash64;
  /** ISCC Content-Codes of a label's output (iscc-index.ts): the record's main index since v5. */
  iscc?: StoredIscc;
}

export interface Row extends ChainedRow {
  prev_hash: string;
  hash: string;
}

export interface RegistryOptions {
  maxPixels?: number;
  /** Clock, for tests of retention. */
  now?: () => Date;
}

/** Columns the caller fills as they are stored; the rest of the row is set by append(). */
type StoredAsGiven = Pick<ChainedRow, 'input_sha256' | 'output_sha256' | 'format' | 'width' | 'height' | 'options' | 'wording' | 'manifest_label' | 'verdict'>;

interface AppendInput extends StoredAsGiven {
  type: 'label' | 'verify' | 'review';
  actor: Actor;
  fingerprint: StoredFingerprint | undefined;
  data: Record<string, unknown>;
  indexFingerprints: boolean;
  recordId?: string;
}

export class SqliteRegistry implements RecordSink {
  readonly db: Db;
  private readonly maxPixels: number;
  private readonly now: () => Date;
  /** In-memory near-duplicate index over the fingerprints table, caught up before each lookup. */
  readonly nearIndex: FingerprintIndex;
  /** The ISCC codes of labelled outputs, for tracing copies and for lookups by code. */
  readonly iscc: IsccIndex;
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
  }

  async recordLabel(record: LabelRecord, actor: Actor, output: Buffer, grey?: GreyImage): Promise<string> {
    const [fingerprint, iscc] = await Promise.all([this.fingerprintOf(record.kind, output, STORED_CROPS, grey), this.isccOfOutput(record.kind, output, grey)]);
    return this.insertLabel(record, actor, iscc ? { ...fingerprint, iscc } : fingerprint);
  }

  /** The synchronous database part of recordLabel (the fingerprint is computed before). */
  insertLabel(record: LabelRecord, actor: Actor, fingerprint: StoredFingerprint | undefined): string {
    const { id, ...rest } = record;
    return this.append({
      type: 'label',
      actor,
      input_sha256: record.inputSha256,
      output_sha256: record.outputSha256,
      format: record.format,
      width: record.width ?? null,
      height: record.height ?? null,
      options: canonicalJson({
        languages: record.languages,
        placement: record.placement,
        sourceType: record.sourceType,
        aiSystem: record.aiSystem,
        aiSystemVersion: record.aiSystemVersion,
        markMode: record.mark?.mode,
      }),
      wording: canonicalJson(record.wording),
      manifest_label: record.manifestLabel ?? null,
      verdict: null,
      fingerprint,
      data: rest as unknown as Record<string, unknown>,
      indexFingerprints: true,
      recordId: id,
    });
  }

  /**
   * The verify core traces a file and then records the check on the same bytes: the
   * whole-picture hash traceCopy computed is reused instead of decoding the image again.
   */
  private readonly wholePictureHash = new WeakMap<Buffer, Hash64>();

  async recordVerify(report: VerifyReport, actor: Actor, input: Buffer): Promise<string> {
    // Kept for audits ("which checks concerned copies of this picture"), not indexed for tracing.
    const traced = this.wholePictureHash.get(input);
    const fingerprint = traced ? { image: [{ ...STORED_CROPS[0], hash: traced }] } : await this.fingerprintOf(report.kind, input, [STORED_CROPS[0]]);
    // Anyone may verify without a key: such rows keep the verdict, not the whole report, so the
    // record cannot be grown by strangers faster than a bounded amount per request.
    const anonymous = actor.actor === ANONYMOUS_ACTOR;
    return this.append({
      type: 'verify',
      actor,
      input_sha256: report.sha256,
      output_sha256: null,
      format: report.format,
      width: null,
      height: null,
      options: null,
      wording: !anonymous && report.c2pa.visibleWarning?.wording ? canonicalJson(report.c2pa.visibleWarning.wording) : null,
      manifest_label: (anonymous ? clip(report.c2pa.activeManifest, 200) : report.c2pa.activeManifest) ?? null,
      verdict: verdictOf(report),
      fingerprint,
      data: anonymous ? compactReport(report) : (report as unknown as Record<string, unknown>),
      indexFingerprints: false,
    });
  }

  /** A review event: who held, approved, rejected or let expire which file (no fingerprint, not traced). */
  async recordReview(row: ReviewRow, actor: Actor): Promise<string> {
    return this.append({
      type: 'review',
      actor,
      input_sha256: row.inputSha256,
      output_sha256: row.outputSha256 ?? null,
      format: row.format,
      width: null,
      height: null,
      options: canonicalJson({ event: row.event }),
      wording: row.wording ? canonicalJson(row.wording) : null,
      manifest_label: null,
      verdict: null,
      fingerprint: undefined,
      data: row as unknown as Record<string, unknown>,
      indexFingerprints: false,
    });
  }

  async findByJob(jobKey: string): Promise<StoredRecord | undefined> {
    const found = this.stmt.byJob.get(jobKey) as { id: string } | undefined;
    return found && this.get(found.id);
  }

  async traceCopy(input: Buffer, kind: 'image' | 'text'): Promise<Signal[]> {
    const exact = this.stmt.byOutput.get(sha256(input)) as Row | undefined;
    if (exact) return [traceSignal(toStored(exact), 'exact', 0)];
    let queries: Hash64[];
    let codes: string[] = [];
    if (kind === 'image') {
      try {
        // One small decode serves both the ISCC and the pHash queries.
        const grey = await greyMaster(input, this.maxPixels, 512);
        const [prints, iscc] = await Promise.all([fingerprintsOfGrey(grey, QUERY_CROPS), imageCodesOfGrey(grey, QUERY_ISCC_CROPS)]);
        queries = prints.map((f) => f.hash);
        codes = iscc.map((c) => c.code);
        this.wholePictureHash.set(input, queries[0]); // QUERY_CROPS[0] is the whole picture
      } catch {
        return []; // not decodable: nothing to compare (the verify core reports the decoding problem)
      }
    } else {
      const [text, iscc] = await Promise.all([textSimhashOf(input).catch(() => undefined), textCodesOf(input).catch(() => undefined)]);
      if (iscc && iscc.characters >= MIN_TEXT_CHARACTERS) codes = [iscc.iscc];
      if (!text && !codes.length) return [];
      queries = text ? [text] : [];
    }
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
    return match ? [{ ...traceSignal(toStored(match.row), 'near', match.distance, match.via), ...(codes[0] ? { iscc: codes[0] } : {}) }] : [];
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
      const record = toStored(row);
      const stored = storedCodes((JSON.parse(row.fingerprint ?? '{}') as StoredFingerprint).iscc);
      const matched = stored.reduce((a, b) => ((codeDistance(b, code) ?? 99) < (codeDistance(a, code) ?? 99) ? b : a), stored[0] ?? code);
      return { record, distance: best.distance, matched };
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

  anchor(): { through_seq: number; hash: string; pruned: number; at: string } | undefined {
    return this.stmt.anchor.get() as { through_seq: number; hash: string; pruned: number; at: string } | undefined;
  }

  private async isccOfOutput(kind: 'image' | 'text', output: Buffer, grey?: GreyImage): Promise<StoredIscc | undefined> {
    try {
      if (kind === 'text') {
        const t = await textCodesOf(output);
        return t.characters >= MIN_TEXT_CHARACTERS ? { text: { code: t.iscc, windows: t.windows } } : undefined;
      }
      return { image: await imageCodesOfGrey(grey ?? (await greyMaster(output, this.maxPixels, 512)), STORED_ISCC_CROPS) };
    } catch {
      return undefined; // as for fingerprints: the record is kept without codes
    }
  }

  private async fingerprintOf(kind: 'image' | 'text', bytes: Buffer, crops: typeof STORED_CROPS, grey?: GreyImage): Promise<StoredFingerprint | undefined> {
    try {
      if (kind === 'text') {
        const text = await textSimhashOf(bytes);
        return text ? { text } : undefined;
      }
      // The labeller's own small grey copy of the output, when given, spares a decode of the output.
      const prints = grey ? await fingerprintsOfGrey(grey, crops) : await imageFingerprints(bytes, crops, this.maxPixels);
      return { image: prints.map((f) => ({ ...f.crop, hash: f.hash })) };
    } catch {
      return undefined; // an undecodable picture still gets its record, without a fingerprint
    }
  }

  private append(r: AppendInput): string {
    const { type, actor, fingerprint, data, indexFingerprints, recordId, ...stored } = r;
    const now = this.now();
    const id = recordId ?? newRecordId(now.getTime());
    const write = this.db.transaction((): string => {
      // A job redone after a crash already has its row: return it instead of writing a second one.
      const done = actor.jobId ? (this.stmt.byJob.get(actor.jobId) as { id: string } | undefined) : undefined;
      if (done) return done.id;
      // Read the head inside an IMMEDIATE transaction: two processes cannot fork the chain.
      const head = this.stmt.head.get() as { seq: number; hash: string } | undefined;
      const anchor = head ? undefined : this.anchor();
      const seq = head ? head.seq + 1 : (anchor?.through_seq ?? 0) + 1;
      const prev_hash = head?.hash ?? anchor?.hash ?? GENESIS_HASH;
      const row: ChainedRow = {
        seq,
        id,
        time: now.toISOString(),
        type,
        actor: actor.actor,
        door: actor.door,
        ...stored,
        fingerprint: fingerprint ? canonicalJson(fingerprint) : null,
        data: canonicalJson({ ...data, id }),
      };
      this.stmt.insert.run({ ...row, prev_hash, hash: rowHash(prev_hash, row), job_id: actor.jobId ?? null });
      if (indexFingerprints) this.indexFingerprints(seq, fingerprint);
      return id;
    });
    return write.immediate();
  }

  private indexFingerprints(seq: number, fp: StoredFingerprint | undefined): void {
    const hashes: [kind: 'image' | 'text', hash: Hash64][] = [...(fp?.image ?? []).map((f) => ['image', f.hash] as ['image', Hash64])];
    if (fp?.text) hashes.push(['text', fp.text]);
    for (const [kind, hash] of hashes) this.stmt.insertFingerprint.run(seq, kind, hash, ...bandsOf(hash));
    this.iscc.add(seq, fp?.iscc);
  }
}

export function toStored(row: Row): StoredRecord {
  return {
    id: row.id,
    seq: row.seq,
    time: row.time,
    type: row.type as StoredRecord['type'],
    actor: row.actor,
    door: row.door,
    inputSha256: row.input_sha256,
    outputSha256: row.output_sha256 ?? undefined,
    format: row.format,
    verdict: row.verdict ?? undefined,
    manifestLabel: row.manifest_label ?? undefined,
    data: JSON.parse(row.data) as Record<string, unknown>,
    hash: row.hash,
    prevHash: row.prev_hash,
  };
}

function traceSignal(rec: StoredRecord, match: 'exact' | 'near', distance: number, via: 'iscc' | 'fingerprint' = 'fingerprint'): Signal {
  const measure = via === 'iscc' ? 'ISCC distance' : 'fingerprint distance';
  const how =
    match === 'exact' ? 'is byte for byte' : `is a near copy (${measure} ${distance} of 64: resized, recompressed, cropped or stripped of metadata) of`;
  return {
    source: 'registry',
    ai: true,
    detail: `This file ${how} an output we labelled as AI-generated: record ${rec.id}, ${rec.time}, by ${rec.actor} via ${rec.door}.`,
    recordId: rec.id,
    match,
    ...(match === 'near' ? { via } : {}),
    distance,
    record: {
      id: rec.id,
      time: rec.time,
      actor: rec.actor,
      door: rec.door,
      format: rec.format,
      outputSha256: rec.outputSha256,
      manifestLabel: rec.manifestLabel,
      wording: rec.data.wording,
      sourceType: rec.data.sourceType,
      aiSystem: rec.data.aiSystem,
    },
  };
}
