/** An in-place radix-2 complex FFT on separate real and imaginary arrays (lengths a power of two). */

const tables = new Map<number, { cos: Float64Array; sin: Float64Array; rev: Uint32Array }>();

function tableOf(n: number) {
  let t = tables.get(n);
  if (!t) {
    const cos = new Float64Array(n / 2);
    const sin = new Float64Array(n / 2);
    for (let i = 0; i < n / 2; i++) {
      cos[i] = Math.cos((2 * Math.PI * i) / n);
      sin[i] = Math.sin((2 * Math.PI * i) / n);
    }
    const rev = new Uint32Array(n);
    const bits = Math.log2(n);
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0, x = i; b < bits; b++, x >>= 1) r = (r << 1) | (x & 1);
      rev[i] = r;
    }
    t = { cos, sin, rev };
    tables.set(n, t);
  }
  return t;
}

/** FFT of the first n values of re/im, in place; `inverse` flips the sign (no 1/n scaling). */
export function fft(re: Float64Array, im: Float64Array, n: number, inverse = false): void {
  const { cos, sin, rev } = tableOf(n);
  for (let i = 0; i < n; i++) {
    const j = rev[i];
    if (j > i) {
      const a = i;
      const b = j;
      let t = re[a];
      re[a] = re[b];
      re[b] = t;
      t = im[a];
      im[a] = im[b];
      im[b] = t;
    }
  }
  const sign = inverse ? 1 : -1;
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < half; k++) {
        const wr = cos[k * step];
        const wi = sign * sin[k * step];
        const a = start + k;
        const b = a + half;
        const xr = re[b] * wr - im[b] * wi;
        const xi = re[b] * wi + im[b] * wr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
      }
    }
  }
}

/** 2-D FFT of a w × h array (row-major), both powers of two; columns are copied out to run contiguously. */
export function fft2(re: Float64Array, im: Float64Array, w: number, h: number, inverse = false): void {
  const rr = new Float64Array(w);
  const ri = new Float64Array(w);
  for (let y = 0; y < h; y++) {
    rr.set(re.subarray(y * w, y * w + w));
    ri.set(im.subarray(y * w, y * w + w));
    fft(rr, ri, w, inverse);
    re.set(rr, y * w);
    im.set(ri, y * w);
  }
  const cr = new Float64Array(h);
  const ci = new Float64Array(h);
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) {
      cr[y] = re[y * w + x];
      ci[y] = im[y * w + x];
    }
    fft(cr, ci, h, inverse);
    for (let y = 0; y < h; y++) {
      re[y * w + x] = cr[y];
      im[y * w + x] = ci[y];
    }
  }
}

const MAX_FFT = 1024;

/**
 * The autocorrelation of the rows of a w × h real array, summed over rows, for lags 0..n/2
 * (n = the next power of two ≥ w + `pad`: zero-padded, so lags up to `pad` do not wrap around):
 * the rows' power spectra summed (two real rows per complex FFT: |X(k)|² + |X(n−k)|² =
 * 2(|A(k)|² + |B(k)|²)), then one inverse FFT.
 */
export function rowAutocorrelation(data: Float32Array, w: number, h: number, pad: number, stride = w, step = 1): Float64Array {
  // At most 1024-point FFTs: longer rows give up their ends (lags past `pad` then wrap a little: noise, not peaks).
  const use = Math.min(w, MAX_FFT - pad);
  const start = (w - use) >> 1;
  const n = nextPow2(use + pad);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const power = new Float64Array(n);
  for (let y = 0; y < h; y += 2) {
    re.fill(0);
    im.fill(0);
    for (let x = 0; x < use; x++) {
      re[x] = data[y * stride + (start + x) * step];
      if (y + 1 < h) im[x] = data[(y + 1) * stride + (start + x) * step];
    }
    fft(re, im, n);
    for (let k = 0; k < n; k++) {
      const j = (n - k) & (n - 1);
      power[k] += re[k] * re[k] + im[k] * im[k] + re[j] * re[j] + im[j] * im[j];
    }
  }
  im.fill(0);
  fft(power, im, n, true);
  return power.subarray(0, n >> 1);
}

export function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}
