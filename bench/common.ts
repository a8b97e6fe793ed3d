/** Shared by the benchmarks: sample images and a small statistics table. */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

export const OUT = path.join(import.meta.dirname, 'out');

/** Photo-like 12-megapixel JPEGs (gradient + noise, so they compress like photographs). */
export async function twelveMegapixelJpegs(n: number): Promise<string[]> {
  fs.mkdirSync(OUT, { recursive: true });
  const files: string[] = [];
  for (let i = 0; i < n; i++) {
    const file = path.join(OUT, `photo-12mp-${i}.jpg`);
    if (!fs.existsSync(file)) {
      const w = 4000;
      const h = 3000;
      const gradient = Buffer.from(
        `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${i * 50},60%,35%)"/><stop offset="1" stop-color="hsl(${i * 50 + 120},70%,75%)"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/></svg>`,
      );
      const noise = await sharp({ create: { width: w, height: h, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 25 } } })
        .png()
        .toBuffer();
      await sharp(gradient)
        .composite([{ input: noise, blend: 'overlay' }])
        .jpeg({ quality: 90 })
        .toFile(file);
    }
    files.push(file);
  }
  return files;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

export function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}
