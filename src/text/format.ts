/**
 * Plain text, Markdown or HTML, decided from the content; the doors pass the file extension
 * as a hint, which wins. Each format carries its manifest and notice differently.
 *
 * Every test here is linear in the text: the head is hostile input, and a regex that
 * backtracks (30 comments and an "x" once took 84 s) would stall the whole service.
 */
import type { TextFormat } from '../media/sniff.js';
import { startTags, startsWithCi } from './html-scan.js';

export const TEXT_MIME: Record<TextFormat, string> = { txt: 'text/plain', md: 'text/markdown', html: 'text/html' };

const BLOCK_TAGS = [
  'p',
  'div',
  'span',
  'article',
  'section',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'li',
  'a',
  'table',
  'em',
  'strong',
  'b',
  'i',
  'blockquote',
  'figure',
  'body',
];
const OPEN_TAGS = [...BLOCK_TAGS, 'br', 'img'];
const CLOSE_TAG = new RegExp(`<\\/(?:${BLOCK_TAGS.join('|')})>`, 'gi'); // fixed-length alternatives: linear

export function detectTextFormat(text: string, hint?: TextFormat): TextFormat {
  if (hint) return hint;
  const head = text.slice(0, 65536).replace(/^\uFEFF/, '');
  if (startsAsHtmlDocument(head)) return 'html';
  if (/^---\r?\n[\s\S]*?\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.test(head)) return 'md'; // anchored, one lazy run: linear
  let tags = 0;
  for (const _ of startTags(head, OPEN_TAGS)) if (++tags >= 2) break;
  const closers = head.match(CLOSE_TAG)?.length ?? 0;
  if (tags >= 2 && closers >= 1) return 'html';
  const mdSigns = [
    /^#{1,6} \S/m.test(head), // heading
    hasMarkdownLink(head),
    hasBold(head),
    /^```/m.test(head), // fence
    /^\s{0,3}[-*+] \S[^\n]*\n\s{0,3}[-*+] \S/m.test(head), // list of two items (one scan per line start)
    /^> \S/m.test(head), // quote
  ].filter(Boolean).length;
  return mdSigns >= 2 ? 'md' : 'txt';
}

/** /^\s*(?:<!--[\s\S]*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>])/i without backtracking. */
function startsAsHtmlDocument(s: string): boolean {
  let i = skipSpace(s, 0);
  while (s.startsWith('<!--', i)) {
    const end = s.indexOf('-->', i + 4);
    if (end === -1) return false;
    i = skipSpace(s, end + 3);
  }
  if (s[i] !== '<') return false;
  if (startsWithCi(s, '!doctype', i + 1)) {
    const j = skipSpace(s, i + 9);
    return j > i + 9 && startsWithCi(s, 'html', j);
  }
  for (const name of ['html', 'head']) {
    if (startsWithCi(s, name, i + 1)) {
      const next = s[i + 1 + name.length];
      return next === '>' || (next !== undefined && /\s/.test(next));
    }
  }
  return false;
}

function skipSpace(s: string, i: number): number {
  while (i < s.length && /\s/.test(s[i])) i++;
  return i;
}

/**
 * /\[[^\]\n]+\]\([^)\s]+\)/ in one pass. Every "[" before the same "]" shares its outcome, and
 * a "(" scan that fails at a stop character fails the same way for any later start before it.
 */
function hasMarkdownLink(s: string): boolean {
  let open = s.indexOf('[');
  let failedUpTo = -1;
  while (open !== -1) {
    let j = open + 1;
    while (j < s.length && s[j] !== ']' && s[j] !== '\n') j++;
    if (j >= s.length) return false;
    if (s[j] === ']' && j > open + 1 && s[j + 1] === '(' && j + 2 > failedUpTo) {
      let k = j + 2;
      while (k < s.length && s[k] !== ')' && !/\s/.test(s[k])) k++;
      if (s[k] === ')' && k > j + 2) return true;
      failedUpTo = k;
    }
    open = s.indexOf('[', j + 1);
  }
  return false;
}

/** /(\*\*|__)[^\s*_][^\n]*?\1/: an opener, a word character, and the same marker later on the line. */
function hasBold(s: string): boolean {
  for (const marker of ['**', '__']) {
    let at = s.indexOf(marker);
    while (at !== -1) {
      const c = s[at + 2];
      if (c !== undefined && c !== '*' && c !== '_' && !/\s/.test(c)) {
        const close = s.indexOf(marker, at + 3);
        const lineEnd = s.indexOf('\n', at + 3);
        if (close !== -1 && (lineEnd === -1 || close < lineEnd)) return true;
        // No closer on this line: no opener before the line end can close either.
        if (lineEnd === -1) break;
        at = s.indexOf(marker, lineEnd + 1);
        continue;
      }
      at = s.indexOf(marker, at + 1);
    }
  }
  return false;
}
