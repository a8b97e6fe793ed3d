/**
 * stripNoticeLines / insertNoticeLine (notice.ts) on UTF-8 bytes, for large plain texts:
 * they only look at the first and last lines, and every delimiter they match (space, tab,
 * CR, LF) is ASCII, so byte indexes stand in for string indexes. Only a line that could be
 * our notice (it holds "⚠ ") is decoded. test/text-plain-bytes.test.ts checks both agree.
 */
import { isOurNoticeLine, NOTICE_SIGN } from './notice.js';

const SP = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;
const SIGN = Buffer.from(`${NOTICE_SIGN} `, 'utf8');

const isBlank = (c: number | undefined) => c === SP || c === TAB;

/** Length of the leading blank lines (each [ \t]*\r?\n), as notice.ts matches them. */
function leadingBlankLines(b: Buffer): number {
  let pos = 0;
  for (;;) {
    let j = pos;
    while (isBlank(b[j])) j++;
    if (b[j] === CR) j++;
    if (b[j] !== LF) return pos;
    pos = j + 1;
  }
}

/** Length of /(?:[ \t]*\r?\n|[ \t]+)*$/ within the last `window` bytes: blanks, LFs, CRs before LF. */
function trailingBlank(b: Buffer, window: number): number {
  const stop = Math.max(0, b.length - window);
  let i = b.length;
  while (i > stop) {
    const c = b[i - 1];
    if (c === SP || c === TAB || c === LF || (c === CR && b[i] === LF && i < b.length)) i--;
    else break;
  }
  return b.length - i;
}

/** Length of /\r?\n[ \t]*\r?\n$/ if it fits in the last `window` bytes, else 0. */
function blankLineAtEnd(b: Buffer, window: number): number {
  const stop = Math.max(0, b.length - window);
  let k = b.length;
  if (k <= stop || b[k - 1] !== LF) return 0;
  k--;
  if (k > stop && b[k - 1] === CR) k--;
  while (k > stop && isBlank(b[k - 1])) k--;
  if (k <= stop || b[k - 1] !== LF) return 0;
  k--;
  if (k > stop && b[k - 1] === CR) k--;
  return b.length - k;
}

function isOursAt(b: Buffer, start: number, end: number, labelled: boolean): boolean {
  if (b.subarray(start, end).indexOf(SIGN) === -1) return false;
  return isOurNoticeLine(b.toString('utf8', start, end), labelled);
}

/** stripNoticeLines on bytes; returns views into `body` where it can. */
export function stripNoticeLinesBytes(body: Buffer, labelled: boolean): Buffer {
  let out = body;
  const lead = leadingBlankLines(out);
  const firstEnd = out.indexOf(LF, lead);
  if (isOursAt(out, lead, firstEnd === -1 ? out.length : firstEnd, labelled)) {
    let cut = firstEnd === -1 ? out.length : firstEnd + 1;
    const rest = out.subarray(cut, cut + 64);
    const blank = leadingBlankLines(rest) > 0 ? lineEndOf(rest) : 0;
    cut += blank;
    out = lead === 0 ? out.subarray(cut) : Buffer.concat([out.subarray(0, lead), out.subarray(cut)]);
  }
  const trail = trailingBlank(out, 4096);
  const lastEnd = out.length - trail;
  if (lastEnd > 0) {
    const lastStart = out.lastIndexOf(LF, lastEnd - 1) + 1;
    if (isOursAt(out, lastStart, lastEnd, labelled)) {
      // Drop the line and the blank line before it; keep what followed (the final newline).
      const before = out.subarray(0, lastStart);
      const blankBefore = blankLineAtEnd(before, 64);
      const cutTo = blankBefore ? before.length - blankBefore : before.length - finalLineEnd(before);
      out = Buffer.concat([before.subarray(0, cutTo), out.subarray(lastEnd)]);
    }
  }
  return out;
}

/** Length of the first /^[ \t]*\r?\n/ (called only when one is there). */
function lineEndOf(b: Buffer): number {
  let j = 0;
  while (isBlank(b[j])) j++;
  if (b[j] === CR) j++;
  return j + 1;
}

/** Length of /\r?\n$/. */
function finalLineEnd(b: Buffer): number {
  if (b[b.length - 1] !== LF) return 0;
  return b.length >= 2 && b[b.length - 2] === CR ? 2 : 1;
}

/** insertNoticeLine on bytes, as the pieces of the result (joined once by the caller). */
export function insertNoticeLineBytes(body: Buffer, line: Buffer, placement: 'start' | 'end', nl: Buffer): Buffer[] {
  if (placement === 'start') {
    const lead = leadingBlankLines(body);
    const rest = body.subarray(lead);
    return rest.length ? [body.subarray(0, lead), line, nl, nl, rest] : [body.subarray(0, lead), line, nl];
  }
  if (isAllWhitespace(body)) return [body, line, nl];
  return body[body.length - 1] === LF ? [body, nl, line, nl] : [body, nl, nl, line];
}

/** `!body.trim()` without decoding: stops at the first character that is not whitespace. */
function isAllWhitespace(b: Buffer): boolean {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      if (c !== SP && (c < 0x09 || c > 0x0d)) return false;
      i++;
      continue;
    }
    const len = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    if (!/^\s$/u.test(b.toString('utf8', i, i + len))) return false;
    i += len;
  }
  return true;
}
