/**
 * The keyed tile: TILE × TILE working pixels of CHIP × CHIP chips, each chip a sync chip (its
 * sign known to the detector) or a data chip carrying one coded bit, with a keyed ±1 sign.
 * The tile repeats over the whole picture, so any crop still holds whole periods (sync by a
 * cyclic correlation), and the repetition is what the detector's autocorrelation finds (scale).
 */
import { codedLength } from './code.js';
import { keyedPermutation, keyedRandom } from './keyed.js';

export const TILE = 128;
export const CHIP = 2;
export const CHIPS_PER_SIDE = TILE / CHIP;
export const CHIPS = CHIPS_PER_SIDE * CHIPS_PER_SIDE;
export const SYNC_CHIPS = 1024;
export const PAYLOAD_BITS = 64;
export const CODED_BITS = codedLength(PAYLOAD_BITS);

export interface Layout {
  /** Keyed sign of each chip (+1/-1). */
  sign: Int8Array;
  /** Coded bit carried by each chip, or -1 for a sync chip. */
  bit: Int16Array;
}

const layouts = new Map<string, Layout>();

/** The tile layout of a key (cached: a batch computes it once). */
export function layoutOf(key: Buffer): Layout {
  const id = key.toString('base64');
  let l = layouts.get(id);
  if (!l) {
    const signs = keyedRandom(key, 'signs');
    const sign = new Int8Array(CHIPS);
    for (let i = 0; i < CHIPS; i++) sign[i] = signs() & 1 ? 1 : -1;
    const order = keyedPermutation(CHIPS, keyedRandom(key, 'order'));
    const bit = new Int16Array(CHIPS);
    for (let i = 0; i < CHIPS; i++) bit[order[i]] = i < SYNC_CHIPS ? -1 : (i - SYNC_CHIPS) % CODED_BITS;
    l = { sign, bit };
    if (layouts.size > 8) layouts.clear();
    layouts.set(id, l);
  }
  return l;
}

/** The ±1 tile of a coded word, TILE × TILE working pixels. */
export function tileOf(layout: Layout, coded: readonly number[]): Int8Array {
  const tile = new Int8Array(TILE * TILE);
  for (let y = 0; y < TILE; y++) {
    for (let x = 0; x < TILE; x++) {
      const c = (y >> 1) * CHIPS_PER_SIDE + (x >> 1);
      const b = layout.bit[c];
      tile[y * TILE + x] = b < 0 ? layout.sign[c] : coded[b] ? layout.sign[c] : -layout.sign[c];
    }
  }
  return tile;
}
