/**
 * The near-duplicate index in memory, following the fingerprints table, which stays the source
 * of truth. Loaded on the first lookup (a CLI that only labels never pays for it). Before each
 * lookup it reads the fingerprint rows whose seq is above the last it has seen: that covers this
 * process's inserts and other processes' alike, and rows of a rolled-back transaction never get
 * in. Seqs are allocated under the write lock, so every snapshot holds a prefix of them and the
 * catch-up skips nothing. Retention removes a prefix of the record and moves
 * chain_anchor.through_seq; the index drops the same prefix when it sees the anchor move.
 */
import { BandIndex, type Nearest } from './band-index.js';
import type { Db } from './database.js';

export type FingerprintKind = 'image' | 'text';
type FingerprintRow = [seq: number, kind: FingerprintKind, b0: number, b1: number, b2: number, b3: number];

export class FingerprintIndex {
  private readonly byKind: Record<FingerprintKind, BandIndex> = { image: new BandIndex(), text: new BandIndex() };
  /** The highest fingerprint seq read so far; -1 before the first load. */
  private lastSeq = -1;
  private prunedThrough = 0;
  private readonly stmt;

  /** `table`: the pHash/SimHash fingerprints, or the ISCC codes (iscc-index.ts), which have the same band columns. */
  constructor(db: Db, table: 'fingerprints' | 'iscc_codes' = 'fingerprints') {
    const cols = `SELECT record_seq, kind, b0, b1, b2, b3 FROM ${table}`;
    this.stmt = {
      all: db.prepare(cols).raw(),
      since: db.prepare(`${cols} WHERE record_seq > ?`).raw(),
      anchor: db.prepare('SELECT through_seq FROM chain_anchor WHERE id = 1').pluck(),
    };
  }

  get loaded(): boolean {
    return this.lastSeq >= 0;
  }

  /** Rows held and bytes of typed arrays, for the benchmark. */
  stats(): { rows: number; bytes: number } {
    const all = Object.values(this.byKind);
    return { rows: all.reduce((s, i) => s + i.size, 0), bytes: all.reduce((s, i) => s + i.bytes, 0) };
  }

  /** Brings the index up to the database's state. Call inside the lookup's read transaction. */
  sync(): void {
    const through = (this.stmt.anchor.get() as number | undefined) ?? 0;
    if (through > this.prunedThrough) {
      for (const index of Object.values(this.byKind)) index.dropThrough(through);
      this.prunedThrough = through;
    }
    const rows = (this.loaded ? this.stmt.since.iterate(this.lastSeq) : this.stmt.all.iterate()) as IterableIterator<FingerprintRow>;
    let last = Math.max(this.lastSeq, 0);
    for (const [seq, kind, b0, b1, b2, b3] of rows) {
      this.byKind[kind].add(seq, ((b0 << 16) | b1) >>> 0, ((b2 << 16) | b3) >>> 0);
      if (seq > last) last = seq;
    }
    this.lastSeq = last;
  }

  nearest(kind: FingerprintKind, queries: Uint32Array, maxDistance: number): Nearest | undefined {
    return this.byKind[kind].nearest(queries, maxDistance);
  }

  /** Builds the posting lists now rather than at the next lookup (after open, in the bench). */
  build(): void {
    for (const index of Object.values(this.byKind)) index.build();
  }
}
