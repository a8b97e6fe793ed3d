/**
 * Pictures with words burned in by another tool than ours, as a third party would make them:
 * ImageMagick (Debian's /usr/bin/convert, FreeType) draws the words with a DejaVu or a CJK
 * font, on a backing box, outlined or plain; the words are then laid over a photograph at a
 * corner or in a band. Our labeller never draws these (it uses Pango through sharp).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { PEER_FIXTURES } from './context.js';
import { mulberry32 } from './rng.js';

export const CONVERT = '/usr/bin/convert';
const DEJAVU = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
const DEJAVU_BOLD = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';
/** Debian's fonts-wqy-zenhei or fonts-noto-cjk: Chinese with Latin letters («AI生成»). */
const CJK_FONTS = ['/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc'];

export type Place = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right' | 'top' | 'bottom';
/** light-box: white words on a dark translucent box; dark-box: dark words on a light box; outlined: white with a dark outline; plain: dark words on a light picture. */
export type Style = 'light-box' | 'dark-box' | 'outlined' | 'plain';
export type Background = 'earth' | 'bridge' | 'ribbons' | 'gradient' | 'page' | 'noise';

export interface BurnCase {
  kind: 'warning' | 'none' | 'other';
  lang?: 'kk' | 'ru' | 'en' | 'zh';
  text?: string;
  width: number;
  height: number;
  background: Background;
  place?: Place;
  style?: Style;
  /** Size of the letters as a share of the shorter side. */
  share?: number;
}

const PHOTOS: Record<Exclude<Background, 'noise'>, string> = {
  earth: 'earth_apollo17.jpg', // black space around the planet: a dark picture
  bridge: 'ocsp_with_assertion.jpg', // a busy photograph
  ribbons: 'IMG_0003.jpg', // a blurred photograph
  gradient: 'C.jpg', // colour gradients
  page: 'no_manifest.jpg', // a white page with a paragraph of Lorem ipsum: a light picture with other words on it
};

export function cjkFont(): string | undefined {
  return CJK_FONTS.find((f) => fs.existsSync(f));
}

function run(args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(CONVERT, args, { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

/** n bytes of Gaussian noise (mean, sigma; sum of four uniforms), the same for the same seed. */
function gaussianNoise(n: number, mean: number, sigma: number, seed: number): Buffer {
  const rnd = mulberry32(seed);
  const out = Buffer.alloc(n);
  // The sum of four uniforms on [0, 1) has variance 1/3.
  const k = sigma * Math.sqrt(3);
  for (let i = 0; i < n; i++) out[i] = Math.max(0, Math.min(255, Math.round(mean + (rnd() + rnd() + rnd() + rnd() - 2) * k)));
  return out;
}

async function backgroundOf(b: Background, width: number, height: number): Promise<Buffer> {
  if (b === 'noise') {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(200,60%,35%)"/><stop offset="1" stop-color="hsl(40,70%,70%)"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/></svg>`;
    // Seeded noise (libvips' gaussnoise draws a new seed each time, so the picture, and
    // whether OCR reads the words on it, changed from run to run).
    const noise = await sharp(gaussianNoise(width * height * 3, 128, 30, width * 7919 + height), { raw: { width, height, channels: 3 } })
      .png()
      .toBuffer();
    return sharp(Buffer.from(svg))
      .composite([{ input: noise, blend: 'overlay' }])
      .png()
      .toBuffer();
  }
  return sharp(path.join(PEER_FIXTURES, PHOTOS[b])).resize(width, height, { fit: 'cover' }).png().toBuffer();
}

/** The words as ImageMagick draws them: a transparent PNG (with its box, when the style has one). */
async function words(c: BurnCase): Promise<Buffer> {
  const short = Math.min(c.width, c.height);
  const pt = Math.max(12, Math.round(short * (c.share ?? 0.04)));
  const font = /[\u4e00-\u9fff]/.test(c.text ?? '') ? cjkFont() : pt % 2 ? DEJAVU_BOLD : DEJAVU;
  if (!font) throw new Error('no CJK font: apt-get install fonts-wqy-zenhei (or fonts-noto-cjk)');
  const pad = String(Math.round(pt / 3));
  const style: Record<Style, string[]> = {
    'light-box': ['-background', '#000000b4', '-fill', 'white', '-bordercolor', '#000000b4'],
    'dark-box': ['-background', '#ffffffc8', '-fill', '#141414', '-bordercolor', '#ffffffc8'],
    outlined: ['-background', 'none', '-fill', 'white', '-stroke', 'black', '-strokewidth', String(Math.max(1, Math.round(pt / 30)))],
    plain: ['-background', 'none', '-fill', '#1a1a1a'],
  };
  // The text is one argument, never a shell word; "label:" draws it with FreeType.
  const box = c.style === 'light-box' || c.style === 'dark-box' ? ['-border', pad] : [];
  return run([...style[c.style ?? 'light-box'], '-font', font, '-pointsize', String(pt), `label:${c.text}`, ...box, 'png:-']);
}

/** A JPEG of the case: the background, with the words (if any) at their place, a margin of 3 % of the shorter side. */
export async function burnIn(c: BurnCase): Promise<Buffer> {
  const bg = await backgroundOf(c.background, c.width, c.height);
  if (!c.text) return sharp(bg).jpeg({ quality: 90 }).toBuffer();
  const overlay = await words(c);
  const m = await sharp(overlay).metadata();
  const w = Math.min(m.width ?? 1, c.width);
  const h = Math.min(m.height ?? 1, c.height);
  const margin = Math.round(Math.min(c.width, c.height) * 0.03);
  const place = c.place ?? 'bottom-left';
  const left = place.endsWith('left') ? margin : place.endsWith('right') ? c.width - w - margin : Math.round((c.width - w) / 2);
  const top = place.startsWith('top') ? margin : c.height - h - margin;
  const fitted = w < (m.width ?? 0) ? await sharp(overlay).resize(w).png().toBuffer() : overlay;
  return sharp(bg)
    .composite([{ input: fitted, left: Math.max(0, left), top: Math.max(0, top) }])
    .jpeg({ quality: 90 })
    .toBuffer();
}

/**
 * The test set: each language's wording in each style, at the corners and in the bands, on
 * dark, light and busy pictures from 800 px to 12 MP; the same pictures without words; and
 * with words that are not a warning (a place and year, a shop sign, a sign of letters close
 * to «AI», a Chinese greeting, a country's name).
 */
export const BURN_CASES: BurnCase[] = [
  { kind: 'warning', lang: 'kk', text: 'ЖИ көмегімен жасалған', width: 800, height: 600, background: 'earth', place: 'bottom-left', style: 'light-box' },
  { kind: 'warning', lang: 'kk', text: 'Жасанды интеллект жасаған', width: 1920, height: 1080, background: 'bridge', place: 'top-right', style: 'dark-box' },
  { kind: 'warning', lang: 'kk', text: 'ЖИ · ИИ', width: 1024, height: 768, background: 'gradient', place: 'bottom-right', style: 'outlined', share: 0.06 },
  { kind: 'warning', lang: 'ru', text: 'Создано ИИ', width: 4000, height: 3000, background: 'bridge', place: 'bottom-right', style: 'light-box' },
  { kind: 'warning', lang: 'ru', text: 'Сгенерировано нейросетью', width: 1080, height: 1920, background: 'gradient', place: 'top-left', style: 'outlined' },
  {
    kind: 'warning',
    lang: 'ru',
    text: 'Изображение создано искусственным интеллектом',
    width: 3000,
    height: 2000,
    background: 'page',
    place: 'bottom',
    style: 'plain',
    share: 0.035,
  },
  { kind: 'warning', lang: 'en', text: 'AI-generated', width: 4000, height: 3000, background: 'ribbons', place: 'top-left', style: 'dark-box' },
  { kind: 'warning', lang: 'en', text: 'Made with AI', width: 1200, height: 800, background: 'earth', place: 'top', style: 'light-box' },
  {
    kind: 'warning',
    lang: 'en',
    text: 'Generated with AI',
    width: 3000,
    height: 2000,
    background: 'noise',
    place: 'bottom-left',
    style: 'outlined',
    share: 0.05,
  },
  { kind: 'warning', lang: 'zh', text: '人工智能生成', width: 1920, height: 1080, background: 'ribbons', place: 'top-right', style: 'light-box' },
  { kind: 'warning', lang: 'zh', text: 'AI生成', width: 800, height: 800, background: 'gradient', place: 'bottom-right', style: 'dark-box' },
  { kind: 'warning', lang: 'zh', text: '由人工智能生成', width: 1600, height: 1200, background: 'page', place: 'top', style: 'plain' },
  { kind: 'none', width: 800, height: 600, background: 'earth' },
  { kind: 'none', width: 1920, height: 1080, background: 'bridge' },
  { kind: 'none', width: 1024, height: 768, background: 'ribbons' },
  { kind: 'none', width: 4000, height: 3000, background: 'noise' },
  { kind: 'none', width: 1080, height: 1920, background: 'gradient' },
  { kind: 'none', width: 3000, height: 2000, background: 'page' },
  { kind: 'other', text: 'Алматы 2026', width: 1920, height: 1080, background: 'earth', place: 'bottom-right', style: 'light-box' },
  { kind: 'other', text: 'AIR MAIL', width: 1024, height: 768, background: 'bridge', place: 'top-left', style: 'dark-box', share: 0.06 },
  { kind: 'other', text: 'МАГАЗИН ПРОДУКТЫ', width: 3000, height: 2000, background: 'ribbons', place: 'top', style: 'outlined' },
  { kind: 'other', text: '北京欢迎你', width: 800, height: 600, background: 'gradient', place: 'bottom-left', style: 'light-box' },
  { kind: 'other', text: 'Қазақстан Республикасы', width: 4000, height: 3000, background: 'page', place: 'bottom', style: 'plain' },
  { kind: 'other', text: 'OPEN 24H · MAIL · Fair trade', width: 1200, height: 800, background: 'noise', place: 'top-right', style: 'light-box' },
];

export function caseName(c: BurnCase): string {
  const what = c.kind === 'none' ? 'no words' : `${c.kind === 'other' ? 'other words' : c.lang} «${c.text}»`;
  return `${what}, ${c.width}×${c.height} ${c.background}${c.place ? `, ${c.place}, ${c.style}` : ''}`;
}
