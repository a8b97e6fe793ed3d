/**
 * What a reader of a text sees, for its ISCC Text-Code (the soft binding): Markdown without
 * its front matter and markup, HTML without tags, scripts and styles, plain text as it is.
 * The Text-Code's own normalisation then drops whitespace, punctuation and invisible
 * characters, so only the syntax made of symbols (>, +, |, `, ~, =, link targets) is removed
 * here. Every scan is linear (indexOf, no backtracking on user text).
 */
import type { TextFormat } from '../media/sniff.js';
import { textCode, textCodes, type TextCode, type TextCodes } from '../domain/iscc/index.js';
import { visibleTextOf } from './a7-html.js';
import { splitFrontMatter } from './a9-block.js';
import { cutCarriers, findCarriers } from './carriers.js';
import { decodeText } from './encoding.js';
import { detectTextFormat } from './format.js';

/** Below this many characters after normalisation a Text-Code says too little to trace a copy by. */
export const MIN_TRACE_CHARACTERS = 50;

export function readerText(format: TextFormat, text: string): string {
  if (format === 'html') return visibleTextOf(text);
  if (format === 'md') return markdownText(splitFrontMatter(text)?.body ?? text);
  return text;
}

/** Markdown as rendered text: link and image targets, HTML tags and line-start syntax removed. */
export function markdownText(md: string): string {
  return withoutLinkTargets(md).split('\n').map(lineText).join('\n');
}

const LINE_START_SYNTAX = new Set(['>', '+', '*', '-', '#', ' ', '\t']);
const SYMBOLS = new Set(['|', '`', '~', '<', '>', '=']);

function lineText(line: string): string {
  let i = 0;
  while (i < line.length && LINE_START_SYNTAX.has(line[i])) i++;
  let out = '';
  let inTag = false;
  // A tag is removed only when it closes on its line; a "<" after the line's last ">" is text.
  const lastGt = line.lastIndexOf('>');
  for (let j = i; j < line.length; j++) {
    const c = line[j];
    if (c === '<' && !inTag && j < lastGt) {
      inTag = true;
      continue;
    }
    if (inTag) {
      if (c === '>') inTag = false;
      continue;
    }
    out += SYMBOLS.has(c) ? ' ' : c;
  }
  return out;
}

/**
 * "[text](target)" → "[text]": a target runs to the next ")" on its line. The next ")" and the
 * next line end are remembered, so the text is read once however many "](" it holds.
 */
function withoutLinkTargets(md: string): string {
  const parts: string[] = [];
  let at = 0;
  let open = md.indexOf('](');
  let close = -2; // -2: not searched yet; -1: no ")" after this point
  let lineEnd = -2;
  while (open !== -1) {
    if (close !== -1 && close < open) close = md.indexOf(')', open + 2);
    if (close === -1) break; // no ")" follows: no later target can close either
    if (lineEnd < open) {
      const nl = md.indexOf('\n', open);
      lineEnd = nl === -1 ? md.length : nl;
    }
    if (close < lineEnd) {
      parts.push(md.slice(at, open + 1));
      at = close + 1;
      open = md.indexOf('](', at);
    } else open = md.indexOf('](', open + 2);
  }
  parts.push(md.slice(at));
  return parts.join('');
}

/** The Text-Code of a labelled text's reader text (its carriers already left out). */
export function readerTextCode(format: TextFormat, text: string): TextCode {
  return textCode(readerText(format, text));
}

/** The Text-Codes (whole and half windows) of a text file as found: decoded, carriers cut, format detected (or as the name says). */
export function textFileCode(input: Buffer, hint?: TextFormat): TextCodes {
  const decoded = decodeText(input);
  const cut = cutCarriers(decoded.text, findCarriers(decoded.text));
  return textCodes(readerText(hint ?? detectTextFormat(cut), cut));
}
