/**
 * In-memory multi-index over 64-bit hashes (see near-index.ts): the hashes as hi/lo halves in
 * typed arrays, and per band a posting list in CSR form (offsets by 16-bit band value → row
 * positions), built by counting sort. Rows added since the last build sit in a tail that is
 * scanned linearly, so adding a row never waits for a rebuild; the lists are rebuilt at the next
 * lookup once the tail outgrows TAIL_LIMIT (a few ms at 5 query hashes).
 */
import { popcount32 } from './fingerprint.js';
import { BANDS, MAX_GUARANTEED_DISTANCE, PROBE_MASKS } from './near-index.js';

const TAIL_LIMIT = 1 << 15;
const BAND_VALUES = 1 << 16;

export interface Nearest {
  seq: number;
  distance: number;
}

export class BandIndex {
  private hi = new Uint32Array(1024);
  private lo = new Uint32Array(1024);
  /** Record seq of each row: Float64 so any SQLite INTEGER seq up to 2^53 fits. */
  private seqs = new Float64Array(1024);
  private n = 0;
  /** Rows [0, indexed) are in the posting lists; the rest is the tail. */
  private indexed = 0;
  private offsets: Uint32Array[] = [];
  private postings: Uint32Array[] = [];

  get size(): number {
    return this.n;
  }

  /** Bytes held by the typed arrays (capacity included). */
  get bytes(): number {
    const lists = [...this.offsets, ...this.postings].reduce((s, a) => s + a.byteLength, 0);
    return this.hi.byteLength + this.lo.byteLength + this.seqs.byteLength + lists;
  }

  add(seq: number, hi: number, lo: number): void {
    if (this.n === this.hi.length) this.grow();
    this.hi[this.n] = hi;
    this.lo[this.n] = lo;
    this.seqs[this.n] = seq;
    this.n++;
  }

  /** Drops rows with seq ≤ through (retention removes a prefix of the record); rebuilt lazily. */
  dropThrough(through: number): void {
    let w = 0;
    for (let r = 0; r < this.n; r++) {
      if (this.seqs[r] <= through) continue;
      this.hi[w] = this.hi[r];
      this.lo[w] = this.lo[r];
      this.seqs[w] = this.seqs[r];
      w++;
    }
    if (w === this.n) return;
    this.n = w;
    this.indexed = 0;
    this.offsets = [];
    this.postings = [];
  }

  /**
   * The closest row within maxDistance of any query (newest seq on ties). queries holds hi/lo
   * pairs. Every row within maxDistance is examined, as maxDistance ≤ MAX_GUARANTEED_DISTANCE.
   */
  nearest(queries: Uint32Array, maxDistance: number): Nearest | undefined {
    if (maxDistance > MAX_GUARANTEED_DISTANCE) throw new RangeError(`near lookups are exact only up to ${MAX_GUARANTEED_DISTANCE} bits`);
    if (this.n - this.indexed > TAIL_LIMIT) this.build();
    const { hi, lo, seqs } = this;
    let best = maxDistance + 1;
    let bestSeq = Infinity; // so that no row ties with "nothing within maxDistance yet"
    for (let k = 0; k < queries.length; k += 2) {
      const qh = queries[k];
      const ql = queries[k + 1];
      const qBands = [qh >>> 16, qh & 0xffff, ql >>> 16, ql & 0xffff];
      for (let b = 0; b < BANDS && this.indexed > 0; b++) {
        const off = this.offsets[b];
        const post = this.postings[b];
        for (let m = 0; m < PROBE_MASKS.length; m++) {
          const v = qBands[b] ^ PROBE_MASKS[m];
          for (let j = off[v], end = off[v + 1]; j < end; j++) {
            const row = post[j];
            const d = popcount32(hi[row] ^ qh) + popcount32(lo[row] ^ ql);
            if (d < best || (d === best && seqs[row] > bestSeq)) {
              best = d;
              bestSeq = seqs[row];
            }
          }
        }
      }
      for (let row = this.indexed; row < this.n; row++) {
        const d = popcount32(hi[row] ^ qh) + popcount32(lo[row] ^ ql);
        if (d < best || (d === best && seqs[row] > bestSeq)) {
          best = d;
          bestSeq = seqs[row];
        }
      }
    }
    return best > maxDistance ? undefined : { seq: bestSeq, distance: best };
  }

  /** Counting sort of every row by each band: O(rows + 65536) per band. */
  build(): void {
    const n = this.n;
    for (let b = 0; b < BANDS; b++) {
      const src = b < 2 ? this.hi : this.lo;
      const shift = b % 2 === 0 ? 16 : 0;
      const off = new Uint32Array(BAND_VALUES + 1);
      for (let r = 0; r < n; r++) off[((src[r] >>> shift) & 0xffff) + 1]++;
      for (let v = 0; v < BAND_VALUES; v++) off[v + 1] += off[v];
      const next = off.slice(0, BAND_VALUES);
      const post = new Uint32Array(n);
      for (let r = 0; r < n; r++) post[next[(src[r] >>> shift) & 0xffff]++] = r;
      this.offsets[b] = off;
      this.postings[b] = post;
    }
    this.indexed = n;
  }

  private grow(): void {
    const cap = this.hi.length * 2;
    const hi = new Uint32Array(cap);
    const lo = new Uint32Array(cap);
    const seqs = new Float64Array(cap);
    hi.set(this.hi);
    lo.set(this.lo);
    seqs.set(this.seqs);
    this.hi = hi;
    this.lo = lo;
    this.seqs = seqs;
  }
}
