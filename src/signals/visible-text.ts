/**
 * The visible-warning detector: reads the words burned into a picture (OCR, media/ocr.ts) and
 * matches them against the disclosure phrases (domain/disclosure-phrases.ts). First the lines
 * of text found in the picture (text-lines.ts), cut tight and enlarged when small; then the
 * places a warning is put: the four corners, the top and bottom bands, the whole picture at a
 * bounded resolution. Each page as it is and negated (dark words on light, light on dark). The
 * run stops at the first page that holds a warning.
 *
 * It says what it read and why it could not: the verdict decides what that means.
 */
import { matchDisclosure } from '../domain/disclosure-phrases.js';
import type { OcrInfo, Signal } from '../domain/report.js';
import { type OcrWord, ocrStatus, readPages } from '../media/ocr.js';
import { type GreyPixels, type OcrCrop, type OcrPage, ocrCrops, ocrGrey } from '../media/sharp.js';
import { textLineBoxes } from './text-lines.js';

interface Region {
  name: string;
  x: number;
  y: number;
  width: number;
  height: number;
  maxLongSide?: number;
}

/** The places a warning is put (shares of the picture), most likely first; the bands and the whole picture catch long or centred lines. */
const REGIONS: Region[] = [
  { name: 'bottom-left', x: 0, y: 0.75, width: 0.5, height: 0.25 },
  { name: 'bottom-right', x: 0.5, y: 0.75, width: 0.5, height: 0.25 },
  { name: 'top-left', x: 0, y: 0, width: 0.5, height: 0.25 },
  { name: 'top-right', x: 0.5, y: 0, width: 0.5, height: 0.25 },
  { name: 'bottom', x: 0, y: 0.75, width: 1, height: 0.25 },
  { name: 'top', x: 0, y: 0, width: 1, height: 0.25 },
  { name: 'whole', x: 0, y: 0, width: 1, height: 1, maxLongSide: 1000 },
];

/**
 * Working size: the shorter side near 1000 px, so a line of text 2 % of it tall is 20 px for
 * Tesseract; small pictures are enlarged up to 3×, panoramas bounded at 2000 px.
 */
const WORKING = { shortSide: 1000, maxLongSide: 2000, maxScale: 3 };
/** Candidate lines read at most, and the height (px) a line is enlarged to for Tesseract. */
const MAX_LINES = 10;
const LINE_PX = 40;
/** The heights (px) a candidate that gave no word is brought to, to be read again as Chinese (see unreadLinesAsChinese). */
const CJK_LINE_PX = [28, 38];
/** Below this shorter side no warning is legible. */
export const MIN_SHORT_SIDE = 32;
/** One OCR run's time (a picture of dense text can take long), and the longest wait for a turn when many pictures come at once. */
export const OCR_DEADLINE_MS = 45_000;
const OCR_MAX_WAIT_MS = 60_000;

export interface VisibleText {
  signals: Signal[];
  ocr: OcrInfo;
}

export async function detectVisibleText(input: Buffer, maxPixels: number): Promise<VisibleText> {
  const status = await ocrStatus();
  if (!status.available)
    return { signals: [], ocr: { available: false, read: false, languages: status.languages, reason: 'unavailable', message: status.reason } };
  const started = Date.now();
  const base = { available: true, languages: status.languages };
  try {
    const { width, height, scale, grey, half } = await ocrGrey(input, { maxPixels, ...WORKING, minShortSide: MIN_SHORT_SIDE });
    if (!grey || !half) {
      return {
        signals: [],
        ocr: { ...base, read: false, ms: Date.now() - started, reason: 'too-small', message: `the picture is too small to read (${width}×${height})` },
      };
    }
    const lines = lineCrops(half.data, half.width, half.height, grey);
    const pages = await ocrCrops(grey, [...lines.map((l) => l.crop(enlargeSmall)), ...regionCrops(grey)]);
    const found: Signal[][] = [];
    const run = await readPages(
      pages.map((p) => p.pgm),
      {
        deadlineMs: OCR_DEADLINE_MS,
        maxWaitMs: OCR_MAX_WAIT_MS,
        languages: status.languages,
        stopAfter: (i, words) => (found[i] = warningsOn(words, pages[i], scale, width, height)).length > 0,
      },
    );
    const unread = lines.filter((_, i) => !run.pages[2 * i]?.length && !run.pages[2 * i + 1]?.length);
    const signals = found.find((s) => s?.length) ?? (run.incomplete ? [] : await unreadLinesAsChinese(grey, unread, status.languages, scale, width, height));
    const ms = Date.now() - started;
    // A warning found is known even when the run was cut short; its absence is known only from a full read.
    if (run.incomplete && !signals.length) {
      const why =
        run.incomplete === 'deadline'
          ? `reading the pixels did not finish in time (${OCR_DEADLINE_MS / 1000} s to read, ${OCR_MAX_WAIT_MS / 1000} s to wait for a turn)`
          : 'the picture holds too much text to read in full';
      return { signals, ocr: { ...base, read: false, ms, reason: run.incomplete === 'deadline' ? 'timeout' : 'too-much-text', message: why } };
    }
    return { signals, ocr: { ...base, read: true, ms } };
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0].slice(0, 200) : String(err);
    return { signals: [], ocr: { ...base, read: false, ms: Date.now() - started, reason: 'failed', message: `the pixels could not be read (${message})` } };
  }
}

/**
 * Chinese lines the layout pass could not read at all, read again as one block of Chinese text.
 * Tesseract's own layout (psm 3) loses large CJK glyphs in a box, such as the cn profile's
 * «人工智能生成» at 5 % of the shorter side, which it reads at once as a block (psm 6). Only
 * line pages that gave no word are read again, with the Chinese model alone: a picture whose
 * lines were read, in any script, costs nothing more.
 */
async function unreadLinesAsChinese(
  grey: GreyPixels,
  unread: LineCandidate[],
  languages: readonly string[],
  scale: number,
  width: number,
  height: number,
): Promise<Signal[]> {
  if (!languages.includes('chi_sim') || !unread.length) return [];
  // The candidate is often the box around the words, its glyphs half its height; measured on our own
  // notice, Tesseract reads them when the box is 24–40 px tall and misses them at some sizes above.
  const again = await ocrCrops(
    grey,
    unread.flatMap((l) => CJK_LINE_PX.map((px) => l.crop((h) => px / h))),
  );
  let signals: Signal[] = [];
  await readPages(
    again.map((p) => p.pgm),
    {
      deadlineMs: OCR_DEADLINE_MS,
      maxWaitMs: OCR_MAX_WAIT_MS,
      languages: ['chi_sim'],
      psm: 6,
      stopAfter: (i, words) => (signals = warningsOn(words, again[i], scale, width, height)).length > 0,
    },
  );
  return signals;
}

/** A candidate line of text; `crop(zoomOf)` cuts it, padded, from the working picture at the zoom its height asks for. */
interface LineCandidate {
  crop(zoomOf: (heightPx: number) => number): OcrCrop;
}

/** Small lines are enlarged to ~40 px tall; larger ones are read as they are. */
const enlargeSmall = (h: number) => Math.min(4, Math.max(1, LINE_PX / h));

/** The candidate lines, found at half the working size. */
function lineCrops(half: Uint8Array, hw: number, hh: number, grey: { width: number; height: number }): LineCandidate[] {
  const kx = grey.width / hw;
  const ky = grey.height / hh;
  return textLineBoxes(half, hw, hh, MAX_LINES).map((b, i) => {
    const h = b.height * ky;
    const padY = h * 0.5;
    const padX = h * 0.8;
    return {
      crop: (zoomOf) => ({
        name: `line-${i + 1}`,
        left: Math.max(0, b.x * kx - padX),
        top: Math.max(0, b.y * ky - padY),
        width: b.width * kx + 2 * padX,
        height: h + 2 * padY,
        zoom: zoomOf(h),
        maxLongSide: 2400,
      }),
    };
  });
}

function regionCrops(grey: { width: number; height: number }): OcrCrop[] {
  return REGIONS.map((r) => ({
    name: r.name,
    left: r.x * grey.width,
    top: r.y * grey.height,
    width: r.width * grey.width,
    height: r.height * grey.height,
    maxLongSide: r.maxLongSide,
  }));
}

/** Every warning on one page: each line alone, then each line with the next (a warning wrapped over two lines). */
function warningsOn(words: OcrWord[], page: OcrPage, scale: number, width: number, height: number): Signal[] {
  const lines: OcrWord[][] = [];
  for (const w of words) {
    const last = lines.at(-1);
    if (last && last[0].line === w.line) last.push(w);
    else lines.push([w]);
  }
  const out: Signal[] = [];
  for (let i = 0; i < lines.length; i++) {
    const one = lines[i];
    const two = i + 1 < lines.length && sameBlock(one[0].line, lines[i + 1][0].line) ? [...one, ...lines[i + 1]] : undefined;
    for (const group of two ? [one, two] : [one]) {
      const m = matchDisclosure(
        group.map((w) => w.text),
        group.map((w) => w.conf),
      );
      if (!m) continue;
      out.push(signalOf(group.slice(m.start, m.end), m.language, m.kind, page, scale, width, height));
      if (group === two) i++; // the next line is part of this warning
      break;
    }
  }
  return out;
}

function sameBlock(a: string, b: string): boolean {
  return a.slice(0, a.indexOf('.')) === b.slice(0, b.indexOf('.'));
}

/** `scale`: working pixels per picture pixel; the region is given in the picture's own (upright) pixels. */
function signalOf(words: OcrWord[], language: string, kind: 'phrase' | 'short-mark', page: OcrPage, scale: number, width: number, height: number): Signal {
  const x0 = Math.min(...words.map((w) => w.left));
  const y0 = Math.min(...words.map((w) => w.top));
  const x1 = Math.max(...words.map((w) => w.left + w.width));
  const y1 = Math.max(...words.map((w) => w.top + w.height));
  const k = page.scale * scale;
  const x = clamp(Math.round((page.left * page.scale + x0) / k), 0, width - 1);
  const y = clamp(Math.round((page.top * page.scale + y0) / k), 0, height - 1);
  const region = { x, y, width: clamp(Math.round((x1 - x0) / k), 1, width - x), height: clamp(Math.round((y1 - y0) / k), 1, height - y) };
  const text = words
    .map((w) => w.text)
    .join(' ')
    .slice(0, 200);
  const confidence = Math.round(words.reduce((s, w) => s + Math.max(0, w.conf), 0) / words.length) / 100;
  const place = placeOf(region, width, height);
  return {
    source: 'visible-text',
    ai: true,
    visible: true,
    detail: `a visible AI warning is in the picture: «${text}» (${place.replace('-', ' ')}; read by OCR, confidence ${confidence})`,
    words: text,
    language,
    region,
    place,
    confidence,
    ...(kind === 'short-mark' ? { shortMark: true } : {}),
  };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}

/** Where the warning sits, in thirds of the picture: 'bottom-left', 'top', 'centre', 'middle-right'… */
export function placeOf(r: { x: number; y: number; width: number; height: number }, width: number, height: number): string {
  const cx = (r.x + r.width / 2) / width;
  const cy = (r.y + r.height / 2) / height;
  const v = cy < 1 / 3 ? 'top' : cy > 2 / 3 ? 'bottom' : 'middle';
  const h = cx < 1 / 3 ? 'left' : cx > 2 / 3 ? 'right' : 'centre';
  if (h === 'centre') return v === 'middle' ? 'centre' : v;
  return `${v}-${h}`;
}
