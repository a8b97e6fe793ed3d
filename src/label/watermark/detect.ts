/**
 * The watermark's detector, on raw luminance at the detector's size (the picture's longer side
 * at most DETECT_LONG_SIDE): whiten (the picture minus its local mean, clipped), find the tile
 * period from the autocorrelation (FFT) — the scale, whatever resize or crop came between —
 * fold every period onto one tile, find the tile's offset by a cyclic correlation with the
 * keyed sync chips (FFT), read the coded bits' soft values and decode them (Viterbi), then
 * accept only a word whose version and CRC-24 check. Pure: runs in a parse worker.
 */
import { packPayload, unpackPayload, type WatermarkFinding } from '../../domain/watermark.js';
import { CODED_BITS, CHIP, CHIPS_PER_SIDE, type Layout, layoutOf, PAYLOAD_BITS, TILE } from './layout.js';
import { encode, viterbi } from './code.js';
import { fft2, rowAutocorrelation } from './fft.js';
import { type Grey, WORK_LONG_SIDE } from './embed.js';

export const DETECT_LONG_SIDE = 1024;
/** Periods looked for, in detector pixels: a mark made at 128 seen from half size to a 2.3× crop-and-enlarge. */
const MIN_PERIOD = 48;
const MAX_PERIOD = 300;
/** Residual clip (grey levels): edges would otherwise drown the pattern. */
const CLIP = 4;
/** Autocorrelation peaks taken (each with its half, third and double), and the uncropped guess: at most 13 period candidates. */
const PERIOD_PEAKS = 3;
export const PERIOD_CANDIDATES = PERIOD_PEAKS * 4 + 1;
/** Sync peaks below this (z) are what chance gives over 16,384 offsets: such a period is not refined. */
const REFINE_Z = 4.6;
export const OFFSETS_PER_PERIOD = 2;
const SCALE_STEPS = [-0.0015, 0.0015, -0.003, 0.003];
export const MAX_DECODES = PERIOD_CANDIDATES * OFFSETS_PER_PERIOD;

/** The picture minus its 3 × 3 mean, clipped to ±CLIP. */
export function whiten(g: Grey): Float32Array {
  const { width: w, height: h, data } = g;
  const out = new Float32Array(w * h);
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const s = data[i - w - 1] + data[i - w] + data[i - w + 1] + data[i - 1] + data[i] + data[i + 1] + data[i + w - 1] + data[i + w] + data[i + w + 1];
      const r = data[i] - s / 9;
      out[i] = Math.max(-CLIP, Math.min(CLIP, r));
    }
  }
  return out;
}

/** Candidate tile periods (detector pixels), best first, from the autocorrelation along both axes. */
export function periodCandidates(r: Float32Array, w: number, h: number): number[] {
  const rows = rowAutocorrelation(r, w, h, MAX_PERIOD);
  const cols = rowAutocorrelation(r, h, w, MAX_PERIOD, 1, w);
  const L = Math.min(rows.length, cols.length);
  const prof = new Float64Array(L);
  for (let l = 0; l < L; l++) prof[l] = rows[l] + cols[l];
  // Peaks above the local level, in units of the profile's local spread.
  const z = new Float64Array(L);
  const R = 8;
  for (let l = R; l < L - R; l++) {
    let s = 0;
    let s2 = 0;
    for (let k = -R; k <= R; k++) {
      if (k === 0) continue;
      s += prof[l + k];
      s2 += prof[l + k] * prof[l + k];
    }
    const n = 2 * R;
    const mean = s / n;
    const sd = Math.sqrt(Math.max(1e-12, s2 / n - mean * mean));
    z[l] = (prof[l] - mean) / sd;
  }
  const scored: { p: number; score: number }[] = [];
  for (let p = MIN_PERIOD; p <= Math.min(MAX_PERIOD, L - R - 1); p++) {
    // A period shows at all its multiples that fit; half-integer periods land between two lags.
    let score = 0;
    let k = 0;
    for (let m = 1; m * p < L - R; m++, k++) score += Math.max(z[m * p], z[m * p + 1] ?? 0, z[m * p - 1]);
    if (k) scored.push({ p, score: score / Math.sqrt(k) + z[p] });
  }
  scored.sort((a, b) => b.score - a.score);
  const out: number[] = [];
  for (const { p } of scored) {
    if (out.some((q) => Math.abs(q - p) <= 2)) continue;
    out.push(refine(prof, p, L - R));
    if (out.length === PERIOD_PEAKS) break;
  }
  // A strong peak may be twice or three times the period (only every other repeat stands out):
  // its halves and thirds are candidates too; the sync correlation tells them apart.
  // And the period of an uncropped copy of a picture marked at the working size, whatever its
  // resize: image structure can hide the tile's peaks after a strong JPEG, this guess cannot.
  const uncropped = (TILE * Math.max(w, h)) / WORK_LONG_SIDE;
  for (const p of [...out, uncropped])
    for (const q of p === uncropped ? [p] : [p / 2, p / 3, p * 2])
      if (q >= MIN_PERIOD && q <= MAX_PERIOD && !out.some((o) => Math.abs(o - q) <= 1)) out.push(q);
  return out;
}

/** Sub-pixel period: the parabola through the peak at the largest multiple of p that is still clear. */
function refine(prof: Float64Array, p: number, limit: number): number {
  let best = p;
  for (let m = 1; m * p + 2 < limit; m++) {
    let at = m * p;
    for (let d = -2; d <= 2; d++) if (prof[Math.round(m * best) + d] > prof[at]) at = Math.round(m * best) + d;
    const a = prof[at - 1];
    const b = prof[at];
    const c = prof[at + 1];
    const den = a - 2 * b + c;
    const frac = den < 0 ? (0.5 * (a - c)) / den : 0;
    best = (at + Math.max(-0.5, Math.min(0.5, frac))) / m;
  }
  return best;
}

/** Every detector pixel added onto one TILE × TILE tile, at `scale` tile pixels per detector pixel (bilinear splat). */
export function fold(r: Float32Array, w: number, h: number, scale: number): Float64Array {
  const acc = new Float64Array(TILE * TILE);
  const M = TILE - 1;
  const c0 = new Int32Array(w);
  const c1 = new Int32Array(w);
  const fu = new Float64Array(w);
  for (let x = 0; x < w; x++) {
    const u = x * scale;
    const u0 = Math.floor(u);
    fu[x] = u - u0;
    c0[x] = u0 & M;
    c1[x] = (u0 + 1) & M;
  }
  for (let y = 0; y < h; y++) {
    const v = y * scale;
    const v0 = Math.floor(v);
    const fv = v - v0;
    const r0 = (v0 & M) * TILE;
    const r1 = ((v0 + 1) & M) * TILE;
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const val = r[row + x];
      const a = val * (1 - fv);
      const b = val * fv;
      const f = fu[x];
      acc[r0 + c0[x]] += a * (1 - f);
      acc[r0 + c1[x]] += a * f;
      acc[r1 + c0[x]] += b * (1 - f);
      acc[r1 + c1[x]] += b * f;
    }
  }
  return acc;
}

/** The spectrum of the sync template (sync chips' signs, data chips 0), per layout. */
const templates = new WeakMap<Layout, { re: Float64Array; im: Float64Array }>();

function syncSpectrum(layout: Layout): { re: Float64Array; im: Float64Array } {
  let t = templates.get(layout);
  if (!t) {
    const re = new Float64Array(TILE * TILE);
    const im = new Float64Array(TILE * TILE);
    for (let y = 0; y < TILE; y++)
      for (let x = 0; x < TILE; x++) {
        const c = (y >> 1) * CHIPS_PER_SIDE + (x >> 1);
        if (layout.bit[c] < 0) re[y * TILE + x] = layout.sign[c];
      }
    fft2(re, im, TILE, TILE);
    t = { re, im };
    templates.set(layout, t);
  }
  return t;
}

/** Cyclic correlation peaks of a folded tile with the sync template: offsets (dx, dy) with their z-scores, best first. */
export function syncPeaks(tile: Float64Array, layout: Layout, n: number): { dx: number; dy: number; z: number }[] {
  const N = TILE * TILE;
  const ar = Float64Array.from(tile);
  const ai = new Float64Array(N);
  const { re: br, im: bi } = syncSpectrum(layout);
  fft2(ar, ai, TILE, TILE);
  // corr(d) = Σ tile(u + d) · t(u)  ⇔  F⁻¹(A · conj(B))
  for (let i = 0; i < N; i++) {
    const r = ar[i] * br[i] + ai[i] * bi[i];
    const im = ai[i] * br[i] - ar[i] * bi[i];
    ar[i] = r;
    ai[i] = im;
  }
  fft2(ar, ai, TILE, TILE, true);
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < N; i++) {
    s += ar[i];
    s2 += ar[i] * ar[i];
  }
  const mean = s / N;
  const sd = Math.sqrt(Math.max(1e-24, s2 / N - mean * mean));
  const peaks: { dx: number; dy: number; z: number }[] = [];
  while (peaks.length < n) {
    let at = -1;
    for (let i = 0; i < N; i++) {
      if ((at < 0 || ar[i] > ar[at]) && !peaks.some((p) => cyclicNear(p.dx, i % TILE) && cyclicNear(p.dy, (i / TILE) | 0))) at = i;
    }
    if (at < 0) break;
    peaks.push({ dx: at % TILE, dy: (at / TILE) | 0, z: (ar[at] - mean) / sd });
  }
  return peaks;
}

function cyclicNear(a: number, b: number): boolean {
  const d = Math.abs(a - b) % TILE;
  return Math.min(d, TILE - d) <= CHIP;
}

/** Soft values of the coded bits from a folded tile whose pattern starts at (dx, dy). */
export function softBits(tile: Float64Array, layout: Layout, dx: number, dy: number): Float64Array {
  const soft = new Float64Array(CODED_BITS);
  const M = TILE - 1;
  for (let y = 0; y < TILE; y++) {
    for (let x = 0; x < TILE; x++) {
      const c = (y >> 1) * CHIPS_PER_SIDE + (x >> 1);
      const b = layout.bit[c];
      if (b < 0) continue;
      soft[b] += layout.sign[c] * tile[((y + dy) & M) * TILE + ((x + dx) & M)];
    }
  }
  return soft;
}

/** The share of coded bits whose sign disagrees with `coded`. */
export function bitErrors(soft: Float64Array, coded: readonly number[]): number {
  let wrong = 0;
  for (let i = 0; i < coded.length; i++) if (soft[i] > 0 !== (coded[i] === 1)) wrong++;
  return wrong / coded.length;
}

export interface Attempt {
  period: number;
  dx: number;
  dy: number;
  syncZ: number;
  soft: Float64Array;
}

/**
 * The decode attempts for a picture (at most MAX_DECODES): period candidates in the order the
 * autocorrelation ranks them; one whose sync peak stands out is refined and tried at once (a
 * marked picture is usually decoded at the first), the others last, strongest sync first.
 */
export function* attempts(g: Grey, key: Buffer): Generator<Attempt> {
  const layout = layoutOf(key);
  const r = whiten(g);
  const at = (scale: number) => {
    const tile = fold(r, g.width, g.height, scale);
    return { scale, tile, peaks: syncPeaks(tile, layout, OFFSETS_PER_PERIOD) };
  };
  const tries = (t: ReturnType<typeof at>) =>
    t.peaks.map((pk) => ({ period: TILE / t.scale, dx: pk.dx, dy: pk.dy, syncZ: pk.z, soft: softBits(t.tile, layout, pk.dx, pk.dy) }));
  const weak: ReturnType<typeof at>[] = [];
  for (const p of periodCandidates(r, g.width, g.height)) {
    let best = at(TILE / p);
    if (best.peaks[0].z < REFINE_Z) {
      weak.push(best);
      continue;
    }
    // The autocorrelation gives the period to a fraction of a pixel; the sync peak settles the rest.
    for (const step of SCALE_STEPS) {
      const tried = at(best.scale * (1 + step));
      if (tried.peaks[0].z > best.peaks[0].z) best = tried;
    }
    yield* tries(best);
  }
  for (const t of weak.sort((a, b) => b.peaks[0].z - a.peaks[0].z)) yield* tries(t);
}

/** The payload found in a picture's luminance under `key`, or undefined. */
export function detectWatermark(g: Grey, key: Buffer): WatermarkFinding | undefined {
  for (const a of attempts(g, key)) {
    const bits = viterbi(a.soft, PAYLOAD_BITS);
    const payload = unpackPayload(bits);
    if (!payload) continue;
    const coded = encode(packPayload(payload));
    return { ...payload, period: round(a.period), syncZ: round(a.syncZ), bitErrorRate: round(bitErrors(a.soft, coded)) };
  }
  return undefined;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
