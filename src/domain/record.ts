/**
 * The record's words: what a door says about who asked, what one labelling left behind, and
 * the interface every record store keeps (SQLite today, PostgreSQL behind the same one).
 * Imports nothing of ours but the domain.
 */
import type { Signal, VerifyReport } from './report.js';
import type { ReviewRow, ReviewStamp } from './review.js';
import type { Door } from './vocabulary.js';
import type { WatermarkNote } from './watermark.js';
import type { PrivacyItem, PromptText } from './personal-data.js';

export type { PromptText } from './personal-data.js';

/** A rectangle in pixels. */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A picture in grey, small: what the record's fingerprints are computed from. */
export interface GreyImage {
  data: Buffer;
  width: number;
  height: number;
}

/** Where every label and verification is written (src/registry implements it). */
/**
 * A role only one instance may hold at a time (the watch folder on a shared volume): held until
 * released or until the holder's connection is lost (`lost` then resolves), e.g. when it dies.
 */
export interface Lease {
  readonly lost: Promise<void>;
  release(): Promise<void>;
}

export interface RecordSink {
  /** Takes a named role shared by every instance on the record (PostgreSQL only); undefined when another holds it. */
  lease?(name: 'watch'): Promise<Lease | undefined>;
  /**
   * Stores the record and returns its id. `output` is the labelled file, for fingerprints;
   * `grey`, when given, is that picture already decoded small (the labeller's own thumbnail
   * pixels), so the fingerprints need no second decode of the output.
   */
  recordLabel(record: LabelRecord, actor: Actor, output: Buffer, grey?: GreyImage, prompt?: PromptText): Promise<string>;
  recordVerify(report: VerifyReport, actor: Actor, input: Buffer): Promise<string>;
  /** A review event (held, approved, rejected, expired); `actor.jobId` makes it idempotent. */
  recordReview?(row: ReviewRow, actor: Actor): Promise<string>;
  /** The row written under an idempotency key (`actor.jobId`), if any. */
  findByJob?(jobKey: string): Promise<StoredRecord | undefined>;
  /**
   * Traces a copy of one of our own labelled outputs whose provenance was stripped:
   * exact SHA-256 first, then a perceptual fingerprint. Returns signals with
   * `source: 'registry'` naming the record, or an empty list.
   */
  traceCopy(input: Buffer, kind: 'image' | 'text'): Promise<Signal[]>;
  /** The label record whose pixels carry the invisible watermark's mark id `markId` (domain/watermark.ts), if any. */
  findByMark?(markId: number): Promise<StoredRecord | undefined>;
  /** The labelled output an ISCC Content-Code (computed by anyone from a copy) belongs to, if any is near enough. */
  lookupIscc?(code: string): Promise<IsccMatch | undefined>;
  list(query: RecordQuery): Promise<{ items: StoredRecord[]; next?: string }>;
  /** A label's prompt text as kept outside the chain, or when it was erased (records.ts of the doors; never in list()). */
  promptOf?(id: string): Promise<PromptText | { erasedAt: string } | undefined>;
  /** Deletes a label's prompt text, writer and salt; the chained row (with the salted hash) stays. */
  erasePrompt?(id: string): Promise<'erased' | 'already-erased' | 'no-prompt' | 'no-record'>;
  /** Ids of label rows whose kept prompt no longer matches the salted hash the chain covers (the prompt text was edited). */
  promptMismatches?(): Promise<string[]>;
  /** PROMPT_RETENTION_DAYS: erases prompts of labellings older than `days` (0: none); returns how many. */
  expirePrompts?(days: number): Promise<number>;
  /** Removes rows older than `retentionDays` (0 keeps everything), keeping the chain checkable. */
  prune(retentionDays: number): Promise<{ removed: number }>;
  get(id: string): Promise<StoredRecord | undefined>;
  close(): Promise<void>;
}

export interface RecordQuery {
  from?: string;
  to?: string;
  actor?: string;
  verdict?: string;
  type?: 'label' | 'verify' | 'review';
  limit?: number;
  /** Opaque pagination cursor from a previous page's `next`. */
  cursor?: string;
}

/** One row of the provenance record as the doors show it. */
export interface StoredRecord {
  id: string;
  seq: number;
  time: string;
  type: 'label' | 'verify' | 'review';
  actor: string;
  door: string;
  inputSha256: string;
  outputSha256?: string;
  format: string;
  verdict?: string;
  manifestLabel?: string;
  /** The full LabelRecord or VerifyReport. */
  data: Record<string, unknown>;
  hash: string;
  prevHash: string;
}

/** What an ISCC lookup found: the record, the distance in bits (of 64), and the stored code it met. */
export interface IsccMatch {
  record: StoredRecord;
  distance: number;
  matched: string;
}

/** A call made from code, not through one of the four doors (tests, benchmarks, an embedding program). */
export const LIBRARY_CALLER: Actor = { actor: 'library', door: 'library' };

/** Who asked: written to the provenance record. */
export interface Actor {
  /** API key name, 'cli' or 'watch'. */
  actor: string;
  door: Door | 'library';
  /** Idempotency key of the record write (the watch folder's job id): a redone job finds its row. */
  jobId?: string;
}

export interface LabelRecord {
  /** Id in the provenance record, once written. */
  id?: string;
  /** The input's name as the door got it (upload name, path, watched file), for the History page. */
  fileName?: string;
  kind: 'image' | 'text';
  format: string;
  mimeType: string;
  inputSha256: string;
  outputSha256: string;
  inputBytes: number;
  outputBytes: number;
  width?: number;
  height?: number;
  languages: string[];
  wording: Record<string, string>;
  placement: string;
  /** Where the visible warning is, in output pixels (images). */
  mark?: {
    mode: 'words' | 'short-mark' | 'extended-canvas';
    region: Region;
    fontPx: number;
    capHeightPx: number;
    /** Cap height over the shorter side of the original picture: at least 0.05. */
    textHeightShare: number;
  };
  /** The labelling profile followed (src/domain/profiles): kz, eu, cn or us-ca. */
  profile?: string;
  /** Personal data removed from the input's metadata (domain/personal-data.ts; names only, never values). */
  privacy?: { removed: PrivacyItem[] };
  /** Set by the record: SHA-256 of a per-prompt salt and the prompt (registry/prompts.ts); the text stays outside the chain. */
  promptHash?: string;
  sourceType: string;
  digitalSourceType: string;
  aiSystem?: string;
  aiSystemVersion?: string;
  manifestLabel?: string;
  /** ISCC Content-Code of the labelled output, as its manifest's soft binding carries it. */
  iscc?: string;
  /** The invisible watermark in the output's pixels: its mark id is this record's key (findByMark). */
  watermark?: WatermarkNote;
  instanceId: string;
  /** The input's own C2PA manifest was kept as the parent ingredient. */
  parentManifestKept: boolean;
  signer: { organisation: string; development: boolean };
  /** Released after an editor's approval: who, when, with which wording (also inside the manifest). */
  review?: ReviewStamp;
  warnings: string[];
  createdAt: string;
  durationMs: number;
}

export interface LabelResult {
  bytes: Buffer;
  mimeType: string;
  /** The file extension the output should carry (jpg, png, txt, md, html...). */
  ext: string;
  record: LabelRecord;
  /** Images: the labelled picture in grey at ≤ 512 px, for the record's fingerprints (see RecordSink.recordLabel). */
  grey?: GreyImage;
}
