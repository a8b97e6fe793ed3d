/**
 * Lays out and renders the visible warning for an image of a given (upright) size.
 *
 * Rules: capital letters at least 5 % of the shorter side; white text on a black backing at
 * 85 % opacity, which gives ≥ 12:1 contrast over any background (worst case, pure white:
 * backing blends to #262626); never clipped: words wrap, and when even wrapped words do not
 * fit, the short mark (ЖИ · ИИ) is used; when even that does not fit, a band is added to
 * the canvas. Every output carries a visible warning.
 */
import { boxWith, renderText as renderPango, type RenderedText } from '../media/sharp.js';
import { LABEL_FONT, type MarkFont } from './font.js';

import type { Placement } from '../domain/vocabulary.js';

export { PLACEMENTS, type Placement } from '../domain/vocabulary.js';

import type { Region } from '../domain/record.js';

export type { Region } from '../domain/record.js';

export interface MarkPlan {
  /** RGBA PNG of the whole backing box with its text. */
  png: Buffer;
  region: Region;
  mode: 'words' | 'short-mark' | 'extended-canvas';
  fontPx: number;
  capHeightPx: number;
  lines: string[];
  /** Pixels added to the canvas (only in mode extended-canvas). */
  extend?: { top: number; bottom: number; left: number; right: number };
  /** Size of the output canvas. */
  canvas: { width: number; height: number };
}

const MIN_SHARE = 0.05;
const MIN_FONT_PX = 12; // below this, words are not legible on screen
const MAX_BOX_SHARE = 0.45; // the warning may not cover more than this of the height
export const BACKING = { r: 0, g: 0, b: 0, alpha: 0.85 };

export function normalisePlacement(p: Placement): { band: boolean; top: boolean; right: boolean } {
  const band = p.startsWith('band');
  return { band, top: p.endsWith('top') || p.includes('-top-'), right: p.endsWith('right') };
}

/** How a profile's mark looks: its font, and the EU icon's badge before the first line. */
export interface MarkLook {
  font: MarkFont;
  badge?: { acronym: string; variant: 'fully-generated' | 'partially-modified' };
}

const KZ_LOOK: MarkLook = { font: LABEL_FONT };

/** The EU icon: the acronym on a solid white badge (fully generated) or a grey one (partially modified, 7:1 with white). */
function badgeMarkup(b: NonNullable<MarkLook['badge']>): string {
  const colours = b.variant === 'fully-generated' ? 'background="#FFFFFF" foreground="#000000"' : 'background="#595959" foreground="#FFFFFF"';
  return `<span ${colours}>\u2009${escapePango(b.acronym)}\u2009</span>`;
}

const cache = new Map<string, MarkPlan>();

/** Same size, words and placement give the same mark: batches of equal images reuse it. */
export async function planMark(
  width: number,
  height: number,
  lines: string[],
  shortMark: string,
  placement: Placement,
  look: MarkLook = KZ_LOOK,
): Promise<MarkPlan> {
  const key = JSON.stringify([width, height, lines, shortMark, placement, look === KZ_LOOK ? 0 : look]);
  const hit = cache.get(key);
  if (hit) return hit;
  const plan = await computePlan(width, height, lines, shortMark, placement, look);
  if (cache.size > 64) cache.delete(cache.keys().next().value as string);
  cache.set(key, plan);
  return plan;
}

async function computePlan(W: number, H: number, lines: string[], shortMark: string, placement: Placement, look: MarkLook): Promise<MarkPlan> {
  const short = Math.min(W, H);
  const { font, badge } = look;
  const fontPx = Math.max(MIN_FONT_PX, Math.ceil((short * MIN_SHARE) / font.capHeightEm) + 1);
  // Markup: the EU badge leads the words, and is the short mark on its own.
  const words = lines.map(escapePango).join('\n');
  const wordsMarkup = badge ? `${badgeMarkup(badge)} ${words}` : words;
  const shortMarkup = badge ? badgeMarkup(badge) : escapePango(shortMark);
  const pad = Math.max(3, Math.round(fontPx * 0.35));
  const { band, top, right } = normalisePlacement(placement);
  const margin = band ? 0 : Math.round(short * 0.02);
  const maxTextW = W - 2 * pad - 2 * margin;
  const maxBoxH = H * MAX_BOX_SHARE;

  for (const [mode, markup] of [
    ['words', wordsMarkup],
    ['short-mark', shortMarkup],
  ] as const) {
    if (maxTextW < fontPx) break;
    const t = await renderText(markup, font, fontPx, maxTextW, band ? 'centre' : 'left');
    if (t.width <= maxTextW && t.height + 2 * pad <= maxBoxH) {
      const boxW = band ? W : t.width + 2 * pad;
      const boxH = t.height + 2 * pad;
      const x = band ? 0 : right ? W - margin - boxW : margin;
      const y = top ? margin : H - margin - boxH;
      const textLeft = band ? Math.round((W - t.width) / 2) : pad;
      const png = await box(boxW, boxH, t.png, textLeft, pad);
      return {
        png,
        region: { x, y, width: boxW, height: boxH },
        mode,
        fontPx,
        capHeightPx: Math.round(fontPx * font.capHeightEm),
        lines: mode === 'words' ? lines : [shortMark],
        canvas: { width: W, height: H },
      };
    }
  }

  // Too small for the short mark inside the picture: add a band under (or over) it.
  const t = await renderText(shortMarkup, font, fontPx, 0, 'centre');
  const boxH = t.height + 2 * pad;
  const boxW = Math.max(W, t.width + 2 * pad);
  const left = Math.floor((boxW - W) / 2);
  const extend = { top: top ? boxH : 0, bottom: top ? 0 : boxH, left, right: boxW - W - left };
  const png = await box(boxW, boxH, t.png, Math.round((boxW - t.width) / 2), pad, 1);
  return {
    png,
    region: { x: 0, y: top ? 0 : H, width: boxW, height: boxH },
    mode: 'extended-canvas',
    fontPx,
    capHeightPx: Math.round(fontPx * font.capHeightEm),
    lines: [shortMark],
    extend,
    canvas: { width: boxW, height: H + boxH },
  };
}

function renderText(markup: string, font: MarkFont, fontPx: number, wrapWidth: number, align: 'left' | 'centre'): Promise<RenderedText> {
  return renderPango({ markup, font: `${font.name} ${fontPx}px`, fontfile: font.file, wrapWidth, align });
}

function box(w: number, h: number, textPng: Buffer, left: number, top: number, alpha = BACKING.alpha): Promise<Buffer> {
  return boxWith(w, h, { ...BACKING, alpha }, textPng, left, top);
}

function escapePango(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
