/**
 * Seeded synthetic pictures and texts for the tracing tests: photo-like scenes (gradients,
 * soft shapes, fine noise), and varied unrelated pictures (shapes, gradients, noise, text) and
 * Kazakh texts, all generated in the test so nothing large is committed.
 */
import sharp from 'sharp';
import { mulberry32, type Rng } from './rng.js';

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
const colour = (rng: Rng) => `rgb(${Math.floor(rng() * 256)},${Math.floor(rng() * 256)},${Math.floor(rng() * 256)})`;

/** An SVG scene of `shapes` random shapes over a gradient (optionally with words). */
function scene(rng: Rng, w: number, h: number, shapes: number, words: boolean): string {
  const parts: string[] = [];
  const angle = Math.floor(rng() * 360);
  parts.push(
    `<defs><linearGradient id="g" gradientTransform="rotate(${angle} .5 .5)"><stop offset="0" stop-color="${colour(rng)}"/><stop offset="1" stop-color="${colour(rng)}"/></linearGradient>`,
    `<radialGradient id="r"><stop offset="0" stop-color="${colour(rng)}"/><stop offset="1" stop-color="${colour(rng)}" stop-opacity="0"/></radialGradient>`,
    `<filter id="b"><feGaussianBlur stdDeviation="${(2 + rng() * 10).toFixed(1)}"/></filter></defs>`,
    `<rect width="${w}" height="${h}" fill="url(#g)"/>`,
  );
  for (let i = 0; i < shapes; i++) {
    const x = Math.floor(rng() * w);
    const y = Math.floor(rng() * h);
    const s = Math.floor((0.03 + rng() * 0.3) * Math.min(w, h));
    const fill = rng() < 0.25 ? 'url(#r)' : colour(rng);
    const blur = rng() < 0.5 ? ' filter="url(#b)"' : '';
    const kind = pick(rng, ['ellipse', 'rect', 'poly']);
    if (kind === 'ellipse')
      parts.push(
        `<ellipse cx="${x}" cy="${y}" rx="${s}" ry="${Math.floor(s * (0.3 + rng()))}" fill="${fill}" opacity="${(0.4 + rng() * 0.6).toFixed(2)}"${blur}/>`,
      );
    else if (kind === 'rect')
      parts.push(
        `<rect x="${x}" y="${y}" width="${s}" height="${Math.floor(s * (0.3 + rng()))}" fill="${fill}" transform="rotate(${Math.floor(rng() * 90)} ${x} ${y})"${blur}/>`,
      );
    else
      parts.push(
        `<polygon points="${[0, 1, 2].map(() => `${Math.floor(rng() * w)},${Math.floor(rng() * h)}`).join(' ')}" fill="${fill}" opacity="${(0.3 + rng() * 0.7).toFixed(2)}"${blur}/>`,
      );
  }
  if (words) {
    for (let i = 0; i < 1 + Math.floor(rng() * 4); i++) {
      const size = Math.floor((0.04 + rng() * 0.12) * h);
      parts.push(
        `<text x="${Math.floor(rng() * w * 0.6)}" y="${Math.floor(size + rng() * (h - size))}" font-family="DejaVu Sans" font-size="${size}" fill="${colour(rng)}">${pick(rng, WORDS)} ${pick(rng, WORDS)}</text>`,
      );
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">${parts.join('')}</svg>`;
}

/** Grey noise of amplitude ±amp as a raw RGBA overlay (soft-light keeps the scene's colours). */
function noise(rng: Rng, w: number, h: number, amp: number): Buffer {
  const px = Buffer.alloc(w * h * 4);
  for (let i = 0; i < px.length; i += 4) {
    const v = 128 + Math.round((rng() * 2 - 1) * amp);
    px[i] = px[i + 1] = px[i + 2] = v;
    px[i + 3] = 255;
  }
  return px;
}

/**
 * A flat sky as a JPEG (quality 92): each row one colour, `colourAt(y)` (R, G, B), plus, with a
 * generator, the same faint noise in [−1, 1) on the three channels of each pixel.
 */
export function skyJpeg(width: number, height: number, colourAt: (y: number) => readonly number[], noise?: Rng): Promise<Buffer> {
  const px = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const colour = colourAt(y);
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const n = noise ? (noise() - 0.5) * 2 : 0;
      for (let c = 0; c < 3; c++) px[i + c] = colour[c] + n;
    }
  }
  return sharp(px, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 92 })
    .toBuffer();
}

/** A photo-like JPEG: a softened scene of shapes over a gradient, scaled up, with sensor-like noise. */
export async function photoLike(width: number, height: number, seed: number): Promise<Buffer> {
  const rng = mulberry32(seed);
  // Drawn small without SVG filters (librsvg blurs slowly), softened once, scaled up like optics.
  const sw = Math.min(width, 800);
  const sh = Math.round((height * sw) / width);
  const svg = scene(rng, sw, sh, 40, false).replace(/ filter="url\(#b\)"/g, '');
  const small = await sharp(Buffer.from(svg)).blur(1.2).png().toBuffer();
  const { data, info } = await sharp(small).resize(width, height).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  for (let i = 0; i < data.length; i++) data[i] = Math.max(0, Math.min(255, data[i] + Math.round((rng() * 2 - 1) * 12)));
  return sharp(data, { raw: { width, height, channels: info.channels } })
    .jpeg({ quality: 90 })
    .toBuffer();
}

/** An unrelated picture: one of several kinds (shapes, gradients, noise, text, mixtures). */
export async function unrelatedPicture(seed: number, width = 480, height = 360): Promise<Buffer> {
  const rng = mulberry32(seed * 7919 + 13);
  const kind = seed % 4;
  const svg = scene(rng, width, height, kind === 1 ? 2 : 5 + Math.floor(rng() * 30), kind >= 2);
  let img = sharp(Buffer.from(svg));
  if (kind === 3 || rng() < 0.3) {
    const raw = await img.raw().toBuffer({ resolveWithObject: true });
    img = sharp(raw.data, { raw: { width, height, channels: raw.info.channels } }).composite([
      { input: noise(rng, width, height, 20 + rng() * 80), raw: { width, height, channels: 4 }, blend: 'soft-light' },
    ]);
  }
  return img.jpeg({ quality: 85 }).toBuffer();
}

const WORDS = [
  'Қазақстан',
  'ауыл',
  'шаруашылығы',
  'өнім',
  'астық',
  'бидай',
  'егін',
  'жиын',
  'мал',
  'жайылым',
  'су',
  'қоры',
  'өзен',
  'көл',
  'тау',
  'дала',
  'қала',
  'әкімдік',
  'жоба',
  'құрылыс',
  'жол',
  'көпір',
  'мектеп',
  'оқушы',
  'мұғалім',
  'білім',
  'ғылым',
  'зерттеу',
  'университет',
  'студент',
  'денсаулық',
  'аурухана',
  'дәрігер',
  'емдеу',
  'халық',
  'тұрғын',
  'отбасы',
  'бала',
  'жастар',
  'спорт',
  'жарыс',
  'чемпионат',
  'ойыншы',
  'команда',
  'экономика',
  'қаржы',
  'банк',
  'несие',
  'инфляция',
  'баға',
  'нарық',
  'сауда',
  'экспорт',
  'импорт',
  'мұнай',
  'газ',
  'энергия',
  'электр',
  'үкімет',
  'министрлік',
  'заң',
  'парламент',
  'депутат',
  'сайлау',
  'саясат',
  'мемлекет',
  'шекара',
  'көрші',
  'ынтымақтастық',
  'келісім',
  'мәдениет',
  'театр',
  'музей',
  'кітап',
  'ақын',
  'жазушы',
  'ән',
  'күй',
  'домбыра',
  'мереке',
  'наурыз',
  'тарих',
  'мұра',
  'ескерткіш',
  'ауа',
  'райы',
  'жаңбыр',
  'қар',
  'аяз',
  'жел',
  'күн',
  'түн',
  'таң',
  'кеш',
  'жыл',
  'ай',
  'апта',
  'бүгін',
  'ертең',
  'кеше',
  'жаңа',
  'үлкен',
  'кіші',
  'маңызды',
  'жақсы',
  'қиын',
  'оңай',
  'тез',
  'баяу',
  'көп',
  'аз',
  'барлық',
  'әрбір',
  'бірнеше',
  'туралы',
  'үшін',
  'бойынша',
  'арқылы',
];

/** A Kazakh news-like text of `words` words in sentences and paragraphs. */
export function kazakhText(words: number, seed: number): string {
  const rng = mulberry32(seed);
  const paragraphs: string[] = [];
  let sentence: string[] = [];
  let paragraph: string[] = [];
  for (let i = 0; i < words; i++) {
    sentence.push(pick(rng, WORDS));
    if (sentence.length >= 6 + Math.floor(rng() * 10) || i === words - 1) {
      const s = sentence.join(' ');
      paragraph.push(`${s[0].toUpperCase()}${s.slice(1)}${rng() < 0.1 ? '?' : '.'}`);
      sentence = [];
      if (paragraph.length >= 3 + Math.floor(rng() * 4) || i === words - 1) {
        paragraphs.push(paragraph.join(' '));
        paragraph = [];
      }
    }
  }
  return paragraphs.join('\n\n');
}

/** The same as Markdown: a heading, emphasis, a link and a list among the paragraphs. */
export function kazakhMarkdown(words: number, seed: number): string {
  const paras = kazakhText(words, seed).split('\n\n');
  const out = [`# ${paras[0].split(' ').slice(0, 5).join(' ')}`, ''];
  paras.forEach((p, i) => {
    const w = p.split(' ');
    if (i % 4 === 1 && w.length > 4) w[2] = `**${w[2]}**`;
    if (i % 5 === 2 && w.length > 6) w[4] = `[${w[4]}](https://example.kz/${i})`;
    if (i % 6 === 3)
      out.push(
        ...w
          .join(' ')
          .split('. ')
          .map((sentence) => `- ${sentence}`),
        '',
      );
    else out.push(w.join(' '), '');
  });
  return out.join('\n');
}
