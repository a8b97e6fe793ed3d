/**
 * What every record store writes and reads, whatever the database: the row a labelling, a
 * verification or a review event becomes, the fingerprints and ISCC codes computed before the
 * write, the queries a copy is traced with, and the row as the doors show it. SQLite
 * (sqlite-registry.ts) and PostgreSQL (pg-registry.ts) differ only in how they store and find rows.
 */
import { codeDistance } from '../domain/iscc/index.js';
import type { Actor, GreyImage, LabelRecord, PromptText, StoredRecord } from '../domain/record.js';
import { sealPrompt, type SealedPrompt } from './prompts.js';
import type { Signal, VerifyReport } from '../domain/report.js';
import type { ReviewRow } from '../domain/review.js';
import { greyMaster } from '../media/sharp.js';
import { canonicalJson, type ChainedRow } from './chain.js';
import { ANONYMOUS_ACTOR, clip, compactReport } from './compact.js';
import { fingerprintsOfGrey, imageFingerprints, QUERY_CROPS, type STORED_CROPS, textSimhashOf, type Hash64 } from './fingerprint.js';
import { imageCodesOfGrey, MIN_TEXT_CHARACTERS, QUERY_ISCC_CROPS, STORED_ISCC_CROPS, storedCodes, textCodesOf, type StoredIscc } from './iscc-index.js';
import { newRecordId } from './ids.js';
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

/** Columns the caller fills as they are stored; the rest of the row is set by the store's append. */
type StoredAsGiven = Pick<ChainedRow, 'input_sha256' | 'output_sha256' | 'format' | 'width' | 'height' | 'options' | 'wording' | 'manifest_label' | 'verdict'>;

export interface AppendInput extends StoredAsGiven {
  type: 'label' | 'verify' | 'review';
  actor: Actor;
  fingerprint: StoredFingerprint | undefined;
  data: Record<string, unknown>;
  indexFingerprints: boolean;
  recordId?: string;
  /** A label's prompt: its salted hash is in `data` (chained), the text goes to the prompts table (prompts.ts). */
  prompt?: SealedPrompt;
}

/** The row a labelling becomes (its fingerprints computed before). */
export function labelAppend(record: LabelRecord, actor: Actor, fingerprint: StoredFingerprint | undefined, prompt?: PromptText): AppendInput {
  const { id, ...rest } = record;
  const sealed = prompt?.text ? sealPrompt(prompt) : undefined;
  return {
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
    data: (sealed ? { ...rest, promptHash: sealed.hash } : rest) as unknown as Record<string, unknown>,
    indexFingerprints: true,
    recordId: id,
    prompt: sealed,
  };
}

/** The row a verification becomes. */
export function verifyAppend(report: VerifyReport, actor: Actor, fingerprint: StoredFingerprint | undefined): AppendInput {
  // Anyone may verify without a key: such rows keep the verdict, not the whole report, so the
  // record cannot be grown by strangers faster than a bounded amount per request.
  const anonymous = actor.actor === ANONYMOUS_ACTOR;
  return {
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
    data: anonymous ? compactReport(report) : (withoutPrompts(report) as unknown as Record<string, unknown>),
    indexFingerprints: false,
  };
}

/**
 * A verified file's own prompt (IPTC AIPromptInformation, a generator's PNG text) may name
 * people, and a chained row can never be erased: the record keeps that a prompt was there, not
 * its text. The report the caller gets is unchanged.
 */
function withoutPrompts(report: VerifyReport): VerifyReport {
  if (!report.signals.some((s) => 'prompt' in s || 'promptWriter' in s)) return report;
  const signals = report.signals.map((s) => {
    if (!('prompt' in s || 'promptWriter' in s)) return s;
    const { prompt: _p, promptWriter: _w, ...rest } = s as Signal & { prompt?: unknown; promptWriter?: unknown };
    return { ...rest, promptNotKept: true };
  });
  return { ...report, signals };
}

/** A review event: who held, approved, rejected or let expire which file (no fingerprint, not traced). */
export function reviewAppend(row: ReviewRow, actor: Actor): AppendInput {
  return {
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
  };
}

/** The record id an append will write: the label's own, or a new ULID at `now`. */
export function recordIdOf(r: AppendInput, now: Date): string {
  return r.recordId ?? newRecordId(now.getTime());
}

/** The chained columns of an append at `seq` (the store links it to its predecessor). */
export function chainedRow(r: AppendInput, seq: number, id: string, now: Date): ChainedRow {
  const { type, actor, fingerprint, data, indexFingerprints: _index, recordId: _id, ...stored } = r;
  return {
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
}

/** The hashes a label's fingerprints index: [kind, 64-bit hex]. */
export function indexedHashes(fp: StoredFingerprint | undefined): [kind: 'image' | 'text', hash: Hash64][] {
  const hashes: [kind: 'image' | 'text', hash: Hash64][] = [...(fp?.image ?? []).map((f) => ['image', f.hash] as ['image', Hash64])];
  if (fp?.text) hashes.push(['text', fp.text]);
  return hashes;
}

export async function isccOfOutput(kind: 'image' | 'text', output: Buffer, maxPixels: number, grey?: GreyImage): Promise<StoredIscc | undefined> {
  try {
    if (kind === 'text') {
      const t = await textCodesOf(output);
      return t.characters >= MIN_TEXT_CHARACTERS ? { text: { code: t.iscc, windows: t.windows } } : undefined;
    }
    return { image: await imageCodesOfGrey(grey ?? (await greyMaster(output, maxPixels, 512)), STORED_ISCC_CROPS) };
  } catch {
    return undefined; // as for fingerprints: the record is kept without codes
  }
}

export async function fingerprintOf(
  kind: 'image' | 'text',
  bytes: Buffer,
  crops: typeof STORED_CROPS,
  maxPixels: number,
  grey?: GreyImage,
): Promise<StoredFingerprint | undefined> {
  try {
    if (kind === 'text') {
      const text = await textSimhashOf(bytes);
      return text ? { text } : undefined;
    }
    // The labeller's own small grey copy of the output, when given, spares a decode of the output.
    const prints = grey ? await fingerprintsOfGrey(grey, crops) : await imageFingerprints(bytes, crops, maxPixels);
    return { image: prints.map((f) => ({ ...f.crop, hash: f.hash })) };
  } catch {
    return undefined; // an undecodable picture still gets its record, without a fingerprint
  }
}

/** What a copy is traced with: its ISCC codes, its pHash/SimHash queries, and (images) its whole-picture hash. */
export interface TraceQueries {
  codes: string[];
  queries: Hash64[];
  wholePicture?: Hash64;
}

/** The queries of a copy, or undefined when there is nothing to compare (not decodable, no text). */
export async function traceQueriesOf(input: Buffer, kind: 'image' | 'text', maxPixels: number): Promise<TraceQueries | undefined> {
  if (kind === 'image') {
    try {
      // One small decode serves both the ISCC and the pHash queries.
      const grey = await greyMaster(input, maxPixels, 512);
      const [prints, iscc] = await Promise.all([fingerprintsOfGrey(grey, QUERY_CROPS), imageCodesOfGrey(grey, QUERY_ISCC_CROPS)]);
      const queries = prints.map((f) => f.hash);
      return { queries, codes: iscc.map((c) => c.code), wholePicture: queries[0] }; // QUERY_CROPS[0] is the whole picture
    } catch {
      return undefined; // not decodable: nothing to compare (the verify core reports the decoding problem)
    }
  }
  const [text, iscc] = await Promise.all([textSimhashOf(input).catch(() => undefined), textCodesOf(input).catch(() => undefined)]);
  const codes = iscc && iscc.characters >= MIN_TEXT_CHARACTERS ? [iscc.iscc] : [];
  if (!text && !codes.length) return undefined;
  return { queries: text ? [text] : [], codes };
}

/** The stored code of a row nearest to `code` (what a lookup by code met). */
export function matchedCode(row: Row, code: string): string {
  const stored = storedCodes((JSON.parse(row.fingerprint ?? '{}') as StoredFingerprint).iscc);
  return stored.reduce((a, b) => ((codeDistance(b, code) ?? 99) < (codeDistance(a, code) ?? 99) ? b : a), stored[0] ?? code);
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

export function traceSignal(rec: StoredRecord, match: 'exact' | 'near', distance: number, via: 'iscc' | 'fingerprint' = 'fingerprint'): Signal {
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

/** A near match as the trace reports it, with the copy's own first code. */
export function nearSignal(row: Row, distance: number, via: 'iscc' | 'fingerprint', codes: string[]): Signal {
  return { ...traceSignal(toStored(row), 'near', distance, via), ...(codes[0] ? { iscc: codes[0] } : {}) };
}
