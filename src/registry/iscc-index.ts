/**
 * The record's ISCC index: the Content-Codes of every labelled output, by which a copy that
 * lost its metadata (or a third party holding only a code) is traced back to its record.
 *
 * Images: besides the whole picture, the codes of crops of the labelled picture (centre 90 and
 * 80 %, each corner 90 %, each side 90 % on one axis) are stored, and a copy is queried with its
 * whole picture and four corner crops of 95 %: a cropped copy's code then meets a stored crop's.
 * Texts: the whole text and its five half-length windows (textCodes), so that an excerpt of
 * half the text meets a window. Measured on the survival copies (test/survive-trace.test.ts):
 * every copy within 6 bits, unrelated pictures and texts 19 bits or more: the threshold is 10.
 */
import { decodeUnit, digestHex64, encodeUnit, IMAGE_SIDE, imageCode, MainType, ContentType, type TextCodes } from '../domain/iscc/index.js';
import type { GreyImage } from '../domain/record.js';
import { contentBox } from '../domain/iscc/index.js';
import { greyGrid } from '../media/sharp.js';
import type { TextFormat } from '../media/sniff.js';
import { runTextTask } from '../text/worker/pool.js';
import type { Db } from './database.js';
import { FingerprintIndex, type FingerprintKind } from './fingerprint-index.js';
import { bandsOf, splitHashes } from './near-index.js';

/** Bits (of 64) within which a copy's ISCC counts as the labelled output's. */
export const ISCC_MATCH_DISTANCE = 10;
/** Texts shorter than this (characters after the ISCC normalisation) are not indexed: our own notice would dominate their code. */
export const MIN_TEXT_CHARACTERS = 300;

/** A crop: share of the width and height kept, and where it sits (0 left/top, 0.5 centre, 1 right/bottom). */
export interface IsccCrop {
  kx: number;
  ky: number;
  ax: number;
  ay: number;
}

const crop = (kx: number, ky: number, ax: number, ay: number): IsccCrop => ({ kx, ky, ax, ay });

export const STORED_ISCC_CROPS: readonly IsccCrop[] = [
  crop(1, 1, 0.5, 0.5),
  crop(0.9, 0.9, 0.5, 0.5),
  crop(0.8, 0.8, 0.5, 0.5),
  crop(0.9, 0.9, 0, 0),
  crop(0.9, 0.9, 1, 0),
  crop(0.9, 0.9, 0, 1),
  crop(0.9, 0.9, 1, 1),
  crop(0.9, 1, 0, 0.5),
  crop(0.9, 1, 1, 0.5),
  crop(1, 0.9, 0.5, 0),
  crop(1, 0.9, 0.5, 1),
];

export const QUERY_ISCC_CROPS: readonly IsccCrop[] = [
  crop(1, 1, 0.5, 0.5),
  crop(0.95, 0.95, 0, 0),
  crop(0.95, 0.95, 1, 0),
  crop(0.95, 0.95, 0, 1),
  crop(0.95, 0.95, 1, 1),
];

/** Kept in records.fingerprint (under the chain) and indexed in iscc_codes. */
export interface StoredIscc {
  image?: (IsccCrop & { code: string })[];
  text?: { code: string; windows: string[] };
}

/** Image-Codes of crops of an upright grey picture (each crop's uniform borders trimmed, as the ISCC normalisation does). */
export function imageCodesOfGrey(grey: GreyImage, crops: readonly IsccCrop[]): Promise<(IsccCrop & { code: string })[]> {
  return Promise.all(
    crops.map(async (c) => {
      const w = Math.max(1, Math.round(grey.width * c.kx));
      const h = Math.max(1, Math.round(grey.height * c.ky));
      const left = Math.round((grey.width - w) * c.ax);
      const top = Math.round((grey.height - h) * c.ay);
      const region = c.kx === 1 && c.ky === 1 ? contentBox(grey) : { left, top, width: w, height: h };
      return { ...c, code: imageCode(await greyGrid(grey, region, IMAGE_SIDE)) };
    }),
  );
}

/** The text's codes in the text worker (a megabyte of text is ~10⁶ n-grams). */
export function textCodesOf(bytes: Buffer, hint?: TextFormat): Promise<TextCodes> {
  return runTextTask('iscc', bytes, hint);
}

/** The 64-bit digest of a code as the band index's hex, or undefined when it is not a 64-bit-or-longer Image/Text-Code. */
export function indexHex(code: string): { kind: FingerprintKind; hex: string } | undefined {
  const unit = decodeUnit(code);
  if (!unit || unit.mainType !== MainType.CONTENT || unit.version !== 0 || unit.bits < 64) return undefined;
  if (unit.subType !== ContentType.IMAGE && unit.subType !== ContentType.TEXT) return undefined;
  return { kind: unit.subType === ContentType.IMAGE ? 'image' : 'text', hex: digestHex64(unit.digest) };
}

/** A 64-bit code from the index's hex. */
export function codeOfHex(kind: FingerprintKind, hex: string): string {
  const digest = Uint8Array.from({ length: 8 }, (_, i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16));
  return encodeUnit(MainType.CONTENT, kind === 'image' ? ContentType.IMAGE : ContentType.TEXT, 0, 64, digest);
}

export function storedCodes(s: StoredIscc | undefined): string[] {
  return [...(s?.image ?? []).map((c) => c.code), ...(s?.text ? [s.text.code, ...s.text.windows] : [])];
}

/** The iscc_codes table and its in-memory band index (the same machinery as the pHash index). */
export class IsccIndex {
  readonly index: FingerprintIndex;
  private readonly stmt;

  constructor(db: Db) {
    this.index = new FingerprintIndex(db, 'iscc_codes');
    this.stmt = {
      insert: db.prepare('INSERT INTO iscc_codes (record_seq, kind, code, b0, b1, b2, b3) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      has: db.prepare('SELECT 1 FROM iscc_codes WHERE record_seq = ? LIMIT 1').pluck(),
    };
  }

  /** Inside the record's write transaction. */
  add(seq: number, stored: StoredIscc | undefined): void {
    for (const code of new Set(storedCodes(stored))) {
      const k = indexHex(code);
      if (k) this.stmt.insert.run(seq, k.kind, code, ...bandsOf(k.hex));
    }
  }

  /** Whether a record has ISCC codes (records made before the index have only pHash/SimHash). */
  covers(seq: number): boolean {
    return this.stmt.has.get(seq) !== undefined;
  }

  /** The nearest indexed code of the kind within maxDistance, for any of the query codes. Call inside a read transaction. */
  nearest(kind: FingerprintKind, codes: string[], maxDistance = ISCC_MATCH_DISTANCE): { seq: number; distance: number } | undefined {
    const hexes = codes.map(indexHex).filter((k): k is { kind: FingerprintKind; hex: string } => !!k && k.kind === kind);
    if (!hexes.length) return undefined;
    this.index.sync();
    return this.index.nearest(kind, splitHashes(hexes.map((h) => h.hex)), maxDistance);
  }
}
