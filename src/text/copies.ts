/**
 * The copies distribution makes of a text, for the survival report: what survives when a
 * labelled text is copied out of a page, put through a CMS, or quoted in part. Each returns
 * UTF-8 plain text (the form such copies travel in). Pure JavaScript, run in the text worker.
 */
import MarkdownIt from 'markdown-it';
import type { TextFormat } from '../media/sniff.js';
import { visibleTextOf } from './a7-html.js';
import { cutCarriers, findCarriers } from './carriers.js';
import { decodeText } from './encoding.js';
import { detectTextFormat } from './format.js';
import { readerText } from './reader-text.js';

export type TextCopyKind = 'plain-paste' | 'markdown-html' | 'excerpt-50';

/**
 * The copies, each with where it comes from. Kept in one table so the report, the page and
 * the tests name the same things.
 */
export const TEXT_COPIES: readonly { kind: TextCopyKind; what: string }[] = [
  // Select-all + copy from a rendered page into a plain-text field (a messenger, a CMS's plain
  // body): markup and every invisible character (the C2PA A.8 wrapper is variation selectors)
  // are lost, compatibility characters folded (NFKC, as many paste handlers and search indexes do).
  { kind: 'plain-paste', what: 'copied out of the page as plain text: invisible characters dropped, NFKC' },
  // A CMS or blog engine that takes Markdown renders it to HTML (CommonMark, markdown-it); an
  // aggregator then keeps the HTML's text. Front matter, and with it the A.9 manifest, is gone.
  { kind: 'markdown-html', what: 'rendered from Markdown to HTML by a CMS, then taken back to text' },
  // A re-post that quotes the middle half of the article (from a quarter to three quarters),
  // cut at word boundaries: the notice at the start is usually cut away.
  { kind: 'excerpt-50', what: 'an excerpt of half the text (its middle half)' },
];

/** Format characters (Cf: zero-width, BOM, bidi marks) and variation selectors: a paste drops them. */
const FORMAT = /^\p{Cf}$/u;

function withoutInvisible(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if ((c >= 0xfe00 && c <= 0xfe0f) || (c >= 0xe0100 && c <= 0xe01ef) || (c >= 0x180b && c <= 0x180f) || FORMAT.test(ch)) continue;
    out += ch;
  }
  return out;
}

const markdown = new MarkdownIt({ html: false, linkify: false });

/** The text's own reader text: decoded, carriers cut, markup removed by its format. */
function readerOf(input: Buffer, hint?: TextFormat): { text: string; format: TextFormat; source: string } {
  const decoded = decodeText(input);
  const source = cutCarriers(decoded.text, findCarriers(decoded.text));
  const format = hint ?? detectTextFormat(source);
  return { text: readerText(format, source), format, source };
}

export function textCopy(input: Buffer, kind: TextCopyKind, hint?: TextFormat): Buffer {
  const { text, format, source } = readerOf(input, hint);
  if (kind === 'plain-paste') return Buffer.from(withoutInvisible(text).normalize('NFKC'), 'utf8');
  if (kind === 'markdown-html') {
    // Markdown (front matter dropped as a CMS does) and plain text go through the renderer; HTML is already rendered.
    const body = format === 'html' ? source : format === 'md' ? withoutFrontMatter(source) : source;
    const html = format === 'html' ? body : markdown.render(body);
    return Buffer.from(visibleTextOf(html).trim(), 'utf8');
  }
  return Buffer.from(middleHalf(text), 'utf8');
}

function withoutFrontMatter(md: string): string {
  if (!md.startsWith('---')) return md;
  const end = md.indexOf('\n---', 3);
  if (end === -1) return md;
  const next = md.indexOf('\n', end + 4);
  return next === -1 ? '' : md.slice(next + 1);
}

/** From a quarter to three quarters of the text, each end moved to the next whitespace. */
function middleHalf(text: string): string {
  const at = (share: number) => {
    const i = Math.floor(text.length * share);
    const space = text.slice(i).search(/\s/);
    return space === -1 ? text.length : i + space;
  };
  return text.slice(at(0.25), at(0.75)).trim();
}
