/**
 * The error-correcting code: the NASA/CCSDS convolutional code (constraint length 7, rate 1/3,
 * generators 133, 171, 165 octal) with a 6-bit zero tail, decoded by a soft-decision Viterbi
 * decoder. 64 payload bits become 210 coded bits.
 */

const K = 7;
const STATES = 1 << (K - 1);
const GENERATORS = [0o133, 0o171, 0o165];
export const TAIL = K - 1;
export const RATE = GENERATORS.length;

function parity(x: number): number {
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}

/** Output bits of the encoder for register value `reg` (the new bit in the top position). */
const OUTPUTS: number[][] = Array.from({ length: 1 << K }, (_, reg) => GENERATORS.map((g) => parity(reg & g)));

export function codedLength(bits: number): number {
  return (bits + TAIL) * RATE;
}

/** Coded bits (0/1) of `bits`, tail included. */
export function encode(bits: readonly number[]): number[] {
  const out: number[] = [];
  let state = 0;
  for (const b of [...bits, ...new Array(TAIL).fill(0)]) {
    const reg = ((b & 1) << (K - 1)) | state;
    out.push(...OUTPUTS[reg]);
    state = reg >>> 1;
  }
  return out;
}

/**
 * The most likely payload for soft values (positive = coded bit 1), `n` payload bits: the
 * path through the trellis ending in state 0 whose coded bits correlate best with `soft`.
 */
export function viterbi(soft: ArrayLike<number>, n: number): number[] {
  const steps = n + TAIL;
  let metric = new Float64Array(STATES).fill(-Infinity);
  let next = new Float64Array(STATES);
  metric[0] = 0;
  const from = new Uint8Array(steps * STATES);
  for (let t = 0; t < steps; t++) {
    next.fill(-Infinity);
    const s0 = soft[t * RATE];
    const s1 = soft[t * RATE + 1];
    const s2 = soft[t * RATE + 2];
    const maxBit = t < n ? 1 : 0;
    for (let state = 0; state < STATES; state++) {
      const m = metric[state];
      if (m === -Infinity) continue;
      for (let b = 0; b <= maxBit; b++) {
        const reg = (b << (K - 1)) | state;
        const o = OUTPUTS[reg];
        const v = m + (o[0] ? s0 : -s0) + (o[1] ? s1 : -s1) + (o[2] ? s2 : -s2);
        const to = reg >>> 1;
        if (v > next[to]) {
          next[to] = v;
          from[t * STATES + to] = state & 1 ? 1 : 0; // the bit shifted out names the predecessor
        }
      }
    }
    [metric, next] = [next, metric];
  }
  // Trace back from state 0: the predecessor of `to` is ((to << 1) & mask) | shiftedOut.
  const bits = new Array<number>(steps);
  let state = 0;
  for (let t = steps - 1; t >= 0; t--) {
    bits[t] = (state >>> (K - 2)) & 1;
    state = ((state << 1) & (STATES - 1)) | from[t * STATES + state];
  }
  return bits.slice(0, n);
}
