import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { tempDir } from './context.js';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

function linear(c: number): number {
  const s = c / 255;
  return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance of every pixel in a region of the decoded (upright) image. */
export async function luminances(image: Buffer, box: Box): Promise<number[]> {
  const { data, info } = await sharp(image)
    .extract({ left: box.x, top: box.y, width: box.width, height: box.height })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const out: number[] = [];
  for (let i = 0; i < data.length; i += info.channels) out.push(0.2126 * linear(data[i]) + 0.7152 * linear(data[i + 1]) + 0.0722 * linear(data[i + 2]));
  return out;
}

/** Contrast of the text (brightest 1 %) against its backing (the median) — WCAG formula. */
export async function textContrast(image: Buffer, box: Box): Promise<number> {
  const l = (await luminances(image, box)).sort((a, b) => a - b);
  const backing = l[Math.floor(l.length / 2)];
  const text = l[Math.floor(l.length * 0.99)];
  return (text + 0.05) / (backing + 0.05);
}

/** Height in pixels of the first run of rows that contain text pixels (the first line's letters). */
export async function firstLineHeight(image: Buffer, box: Box): Promise<number> {
  const { data, info } = await sharp(image)
    .extract({ left: box.x, top: box.y, width: box.width, height: box.height })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  let start = -1;
  for (let y = 0; y < info.height; y++) {
    let bright = 0;
    for (let x = 0; x < info.width; x++) if (data[y * info.width + x] > 160) bright++;
    if (bright > 0 && start < 0) start = y;
    if (bright === 0 && start >= 0) return y - start;
  }
  return start < 0 ? 0 : info.height - start;
}

/** OCR of a region with Tesseract (kaz+rus+eng, or the languages given), light text turned dark for the engine. */
export async function ocr(image: Buffer, box: Box, languages = 'kaz+rus+eng'): Promise<string> {
  const dir = tempDir('labeller-ocr-');
  const file = path.join(dir, 'region.png');
  const scale = box.height < 120 ? Math.ceil(120 / box.height) : 1;
  await sharp(image)
    .extract({ left: box.x, top: box.y, width: box.width, height: box.height })
    .resize({ width: box.width * scale })
    .negate({ alpha: false })
    .greyscale()
    .png()
    .toFile(file);
  try {
    const text = execFileSync('tesseract', [file, 'stdout', '-l', languages, '--psm', '6'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return text.replace(/\s+/g, ' ').trim(); // wrapped lines read as one phrase
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
