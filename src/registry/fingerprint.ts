/**
 * Perceptual fingerprints, so that a copy of one of our labelled outputs can be recognised
 * after its provenance was stripped.
 *
 * Images: a 64-bit DCT pHash (Zauner 2010, the hash behind pHash.org / imagehash): greyscale,
 * 32×32, 2-D DCT, the 64 lowest AC frequencies thresholded at their median. Low frequencies
 * survive resizing, recompression, format changes and metadata removal. Small crops shift
 * them, so labelled outputs are also hashed on centre crops (CROP_VARIANTS): a cropped copy's
 * full hash then lands near one of them.
 *
 * Texts: a 64-bit SimHash (Charikar 2002) over word 3-shingles of the normalised visible text.
 */
import { greyGrid, greyMaster, type GreyImage } from '../media/sharp.js';
import { bitsToHex, type Hash64 } from '../domain/hash64.js';
import { runTextTask } from '../text/worker/pool.js';

export { hamming, popcount32, type Hash64 } from '../domain/hash64.js';
export { textSimhash } from '../text/simhash.js';

export const HASH_SIZE = 32;
const BITS = 64;

/** A crop: the share of each side kept, and where it sits (0 = left/top, 0.5 = centre, 1 = right/bottom). */
export interface Crop {
  keep: number;
  ax: number;
  ay: number;
}

/** Hashed for labelled outputs and stored: the whole picture and two centre crops. */
export const STORED_CROPS: readonly Crop[] = [
  { keep: 1, ax: 0.5, ay: 0.5 },
  { keep: 0.9, ax: 0.5, ay: 0.5 },
  { keep: 0.8, ax: 0.5, ay: 0.5 },
];

/**
 * Hashed for an incoming copy at lookup time (costs no storage): the whole picture, and
 * corner-anchored crops that undo a copy cropped more on one side, so that it meets one of the
 * stored centre crops.
 */
export const QUERY_CROPS: readonly Crop[] = [
  { keep: 1, ax: 0.5, ay: 0.5 },
  { keep: 0.95, ax: 0, ay: 0 },
  { keep: 0.95, ax: 1, ay: 0 },
  { keep: 0.95, ax: 0, ay: 1 },
  { keep: 0.95, ax: 1, ay: 1 },
];

/** A 64-bit hash as 16 lowercase hex digits (portable across databases, readable in exports). */

export interface ImageFingerprint {
  crop: Crop;
  hash: Hash64;
}

/** pHash of each crop of the picture in `crops`. */
export async function imageFingerprints(input: Buffer, crops: readonly Crop[] = STORED_CROPS, maxPixels = 120_000_000): Promise<ImageFingerprint[]> {
  // Decode once, small: a 512-px greyscale master keeps enough detail for 32×32 hashes of crops.
  return fingerprintsOfGrey(await greyMaster(input, maxPixels, 512), crops);
}

/**
 * pHash of each crop of an upright grey picture of at most 512 px (flattened on white): the
 * labeller hands in the pixels of its own labelled thumbnail, so the output is not decoded again.
 */
export function fingerprintsOfGrey(master: GreyImage, crops: readonly Crop[] = STORED_CROPS): Promise<ImageFingerprint[]> {
  return Promise.all(
    crops.map(async (crop) => {
      const w = Math.max(1, Math.round(master.width * crop.keep));
      const h = Math.max(1, Math.round(master.height * crop.keep));
      const region = { left: Math.round((master.width - w) * crop.ax), top: Math.round((master.height - h) * crop.ay), width: w, height: h };
      return { crop, hash: phashOfPixels(await greyGrid(master, region, HASH_SIZE)) };
    }),
  );
}

/** pHash of the whole picture only (the query side of a lookup). */
export async function imagePhash(input: Buffer, maxPixels?: number): Promise<Hash64> {
  const [full] = await imageFingerprints(input, [STORED_CROPS[0]], maxPixels);
  return full.hash;
}

/** The lowest 64 AC frequencies, in zig-zag order: the DC term (overall brightness) is left out. */
const LOW_FREQS: [number, number][] = (() => {
  const out: [number, number][] = [];
  for (let d = 1; out.length < BITS; d++) {
    for (let u = 0; u <= d && out.length < BITS; u++) out.push([u, d - u]);
  }
  return out;
})();
const MAX_FREQ = Math.max(...LOW_FREQS.flat()) + 1;

/** cos table of the DCT-II basis, only for the frequencies we keep. */
const COS: Float64Array = (() => {
  const t = new Float64Array(MAX_FREQ * HASH_SIZE);
  for (let k = 0; k < MAX_FREQ; k++) for (let n = 0; n < HASH_SIZE; n++) t[k * HASH_SIZE + n] = Math.cos((Math.PI * (2 * n + 1) * k) / (2 * HASH_SIZE));
  return t;
})();

/** 32×32 grey pixels → 64-bit pHash. */
export function phashOfPixels(px: Uint8Array): Hash64 {
  if (px.length !== HASH_SIZE * HASH_SIZE) throw new Error(`expected ${HASH_SIZE * HASH_SIZE} pixels, got ${px.length}`);
  // Separable DCT: rows first (only MAX_FREQ outputs per row), then columns.
  const rows = new Float64Array(HASH_SIZE * MAX_FREQ);
  for (let y = 0; y < HASH_SIZE; y++) {
    for (let u = 0; u < MAX_FREQ; u++) {
      let s = 0;
      for (let x = 0; x < HASH_SIZE; x++) s += px[y * HASH_SIZE + x] * COS[u * HASH_SIZE + x];
      rows[y * MAX_FREQ + u] = s;
    }
  }
  const coeffs = LOW_FREQS.map(([u, v]) => {
    let s = 0;
    for (let y = 0; y < HASH_SIZE; y++) s += rows[y * MAX_FREQ + u] * COS[v * HASH_SIZE + y];
    return s;
  });
  const median = [...coeffs].sort((a, b) => a - b)[BITS / 2];
  return bitsToHex(coeffs.map((c) => c >= median));
}

/** textSimhash of UTF-8 bytes in the text worker: a megabyte of words is ~10⁵ SHA-1s, kept off the event loop. */
export function textSimhashOf(bytes: Buffer): Promise<Hash64 | undefined> {
  return runTextTask('simhash', bytes);
}
