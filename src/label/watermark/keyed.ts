/**
 * The keyed pseudo-random numbers of the watermark: HMAC-SHA256 of the key and a purpose name
 * seeds a small generator (sfc32). Without the key the chip signs and their order are unknown,
 * so the pattern can be neither found nor forged by knowing this code.
 */
import { createHmac } from 'node:crypto';

export type Random = () => number;

/** A generator of uint32 values seeded by HMAC-SHA256(key, purpose). */
export function keyedRandom(key: Buffer, purpose: string): Random {
  const seed = createHmac('sha256', key).update(`kz.labeller.wm/v1/${purpose}`).digest();
  let a = seed.readUInt32LE(0);
  let b = seed.readUInt32LE(4);
  let c = seed.readUInt32LE(8);
  let d = seed.readUInt32LE(12);
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 16; i++) next();
  return next;
}

/** A keyed shuffle of 0..n-1 (Fisher–Yates). */
export function keyedPermutation(n: number, rnd: Random): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rnd() % (i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}
