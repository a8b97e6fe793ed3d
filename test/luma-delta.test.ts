/**
 * The watermark's change to full-size pixels (src/media/luma-delta.ts): the WebAssembly SIMD
 * row adder (src/media/simd-bytes.ts) and the byte loop it stands in for, each against the
 * definition, on row lengths that are and are not multiples of 16, with and without alpha.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addLumaDelta, deltaPlanes, type DeltaLayer } from '../src/media/luma-delta.js';
import { disableSimd, simdRowAdder } from '../src/media/simd-bytes.js';
import { mulberry32 } from './helpers/rng.js';

const EDGE = [0, 1, 2, 127, 128, 129, 200, 250, 254, 255];

describe('SIMD row adder', () => {
  it('adds and subtracts each byte with saturation, as a byte loop does', () => {
    const rnd = mulberry32(7);
    const pick = (i: number) => (i % 2 ? EDGE[Math.floor(rnd() * EDGE.length)] : Math.floor(rnd() * 256));
    for (const [n, rows] of [
      [1, 1],
      [15, 3],
      [16, 2],
      [17, 4],
      [100, 1],
      [4099, 3],
    ]) {
      const adder = simdRowAdder(n, rows)!;
      const row = Uint8Array.from({ length: n * rows }, (_, i) => pick(i));
      const up = Uint8Array.from({ length: n }, (_, i) => pick(i + 1));
      const down = Uint8Array.from({ length: n }, (_, i) => pick(i));
      adder.change(up, down);
      const want = row.map((v, i) => Math.max(0, Math.min(255, v + up[i % n]) - down[i % n]));
      adder.apply(row);
      expect(Array.from(row)).toEqual(Array.from(want));
    }
  });
});

/** The definition: bilinear along the row, nearest between rows, rounded, added to each colour channel, clamped. */
function reference(src: Uint8Array, W: number, H: number, ch: number, layer: DeltaLayer): Uint8Array {
  const out = Uint8Array.from(src);
  const { raise, lower } = deltaPlanes(layer, W, H);
  for (let i = 0; i < W * H; i++) for (let c = 0; c < Math.min(3, ch); c++) out[i * ch + c] = Math.max(0, Math.min(255, src[i * ch + c] + raise[i] - lower[i]));
  return out;
}

for (const simd of [true, false])
  describe(`addLumaDelta (${simd ? 'WebAssembly SIMD' : 'byte loop'})`, () => {
    beforeEach(() => disableSimd(!simd));
    afterEach(() => disableSimd(false));

    it(simd ? 'has WebAssembly SIMD here' : 'has none when disabled', () => {
      expect(simdRowAdder(48) !== null).toBe(simd);
    });

    for (const [W, H, ch, offset] of [
      [64, 40, 3, 0],
      [61, 37, 3, 0],
      [61, 37, 3, 1],
      [50, 30, 4, 2],
      [7, 5, 3, 3],
    ] as const) {
      it(`adds the same change to every colour channel (${W}×${H}, ${ch} channels, buffer offset ${offset})`, () => {
        const rnd = mulberry32(W * H + ch + offset);
        const lw = Math.max(2, Math.round(W / 3));
        const lh = Math.max(2, Math.round(H / 3));
        const layer: DeltaLayer = { data: Int16Array.from({ length: lw * lh }, () => Math.round((rnd() - 0.5) * 160)), width: lw, height: lh };
        const px = new Uint8Array(W * H * ch + offset).subarray(offset);
        for (let i = 0; i < px.length; i++) px[i] = i % 5 === 0 ? 255 : i % 7 === 0 ? 0 : Math.floor(rnd() * 256);
        const before = Uint8Array.from(px);
        const want = reference(px, W, H, ch, layer);
        addLumaDelta(px, { width: W, height: H, channels: ch }, layer);
        expect(Array.from(px)).toEqual(Array.from(want));
        // Something moved, and a fourth channel (alpha) did not.
        expect(want.some((v, i) => v !== before[i])).toBe(true);
        if (ch === 4) for (let i = 3; i < px.length; i += 4) expect(px[i]).toBe(before[i]);
      });
    }

    it('moves R, G and B by the same amount away from the clipping ends (no change of hue)', () => {
      const W = 32;
      const H = 16;
      const layer: DeltaLayer = { data: Int16Array.from({ length: 16 * 8 }, (_, i) => (i % 2 ? 48 : -48)), width: 16, height: 8 };
      const px = new Uint8Array(W * H * 3);
      for (let i = 0; i < W * H; i++) px.set([40, 120, 200], i * 3);
      addLumaDelta(px, { width: W, height: H, channels: 3 }, layer);
      let moved = 0;
      for (let i = 0; i < W * H; i++) {
        const d = px[i * 3] - 40;
        expect(px[i * 3 + 1] - 120).toBe(d);
        expect(px[i * 3 + 2] - 200).toBe(d);
        if (d) moved++;
      }
      expect(moved).toBeGreaterThan(W * H * 0.5);
    });
  });
