/**
 * The visible mark's blend onto decoded pixels (blendOver in src/media/sharp.ts): integer
 * source-over with each colour's term worked out once per run of one colour, against the
 * definition round((s·a + d·(255 − a)) / 255) on every pixel, clipped to the picture.
 */
import { describe, expect, it } from 'vitest';
import { blendOver } from '../src/media/sharp.js';
import { mulberry32 } from './helpers/rng.js';

describe('blendOver', () => {
  it('is source-over rounded to the nearest level, on runs of one colour and on single pixels, 3 or 4 channels, clipped', () => {
    const rnd = mulberry32(21);
    const byte = () => Math.floor(rnd() * 256);
    for (const [channels, left, top] of [
      [3, 5, 3],
      [4, -4, -2],
      [3, 30, 20],
    ]) {
      const W = 41;
      const H = 27;
      const dst = Uint8Array.from({ length: W * H * channels }, byte);
      const before = Uint8Array.from(dst);
      const sw = 17;
      const sh = 11;
      // Runs of one translucent colour (a mark's backing), broken by random pixels, opaque and clear ones.
      const src = Buffer.alloc(sw * sh * 4);
      let run = [byte(), byte(), byte(), 1 + Math.floor(rnd() * 254)];
      for (let i = 0; i < sw * sh; i++) {
        const r = rnd();
        if (r < 0.1) run = [byte(), byte(), byte(), 1 + Math.floor(rnd() * 254)];
        const px = r > 0.9 ? [byte(), byte(), byte(), [0, 255, byte()][i % 3]] : run;
        src.set(px, i * 4);
      }
      blendOver(dst, { width: W, height: H, channels }, { data: src, width: sw, height: sh }, left, top);
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const d = (y * W + x) * channels;
          const inside = x >= left && x < left + sw && y >= top && y < top + sh;
          const s = ((y - top) * sw + (x - left)) * 4;
          for (let c = 0; c < channels; c++) {
            const a = inside ? src[s + 3] : 0;
            const want = c === 3 ? before[d + c] : Math.round((src[s + c] * a + before[d + c] * (255 - a)) / 255);
            expect(dst[d + c], `(${x}, ${y}) channel ${c}`).toBe(inside || c === 3 ? want : before[d + c]);
          }
        }
      }
    }
  });
});
