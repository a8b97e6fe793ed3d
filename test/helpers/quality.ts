/** Picture-quality measures for the watermark tests and bench: PSNR and a windowed SSIM on luminance. */
import sharp from 'sharp';

export interface Luma {
  data: Buffer;
  width: number;
  height: number;
}

export async function lumaOf(bytes: Buffer): Promise<Luma> {
  const { data, info } = await sharp(bytes).flatten({ background: '#fff' }).greyscale().extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** PSNR (dB) of two same-size 8-bit pictures, all channels. */
export async function psnr(a: Buffer, b: Buffer): Promise<number> {
  const [x, y] = await Promise.all([sharp(a).removeAlpha().raw().toBuffer(), sharp(b).removeAlpha().raw().toBuffer()]);
  let se = 0;
  for (let i = 0; i < x.length; i++) se += (x[i] - y[i]) ** 2;
  return se === 0 ? Infinity : 10 * Math.log10((255 * 255) / (se / x.length));
}

/** Mean SSIM over 8 × 8 windows (step 4) of the luminance, the usual constants. */
export async function ssim(a: Buffer, b: Buffer): Promise<number> {
  const [x, y] = await Promise.all([lumaOf(a), lumaOf(b)]);
  const C1 = (0.01 * 255) ** 2;
  const C2 = (0.03 * 255) ** 2;
  let sum = 0;
  let n = 0;
  for (let top = 0; top + 8 <= x.height; top += 4) {
    for (let left = 0; left + 8 <= x.width; left += 4) {
      let mx = 0;
      let my = 0;
      for (let j = 0; j < 8; j++)
        for (let i = 0; i < 8; i++) {
          const k = (top + j) * x.width + left + i;
          mx += x.data[k];
          my += y.data[k];
        }
      mx /= 64;
      my /= 64;
      let vx = 0;
      let vy = 0;
      let cxy = 0;
      for (let j = 0; j < 8; j++)
        for (let i = 0; i < 8; i++) {
          const k = (top + j) * x.width + left + i;
          const dx = x.data[k] - mx;
          const dy = y.data[k] - my;
          vx += dx * dx;
          vy += dy * dy;
          cxy += dx * dy;
        }
      vx /= 63;
      vy /= 63;
      cxy /= 63;
      sum += ((2 * mx * my + C1) * (2 * cxy + C2)) / ((mx * mx + my * my + C1) * (vx + vy + C2));
      n++;
    }
  }
  return sum / n;
}
