/**
 * Linear scanners for the few HTML constructs we read (start tags, their attributes, closing
 * tags, comments). Regexes such as /<meta\b[^>]*>/ rescan to the end of the text from every
 * "<" when no ">" follows, so 200 KB of "<meta" took half a minute; these scans look at each
 * character a bounded number of times. Semantics follow those regexes: a tag ends at the
 * first ">", names compare ASCII case-insensitively.
 */

export interface StartTag {
  /** Lower-case tag name. */
  name: string;
  /** Index of "<" and just past ">". */
  start: number;
  end: number;
  /** Index just past the name: where the attributes begin (they end at end - 1). */
  attrsStart: number;
}

export interface Attribute {
  name: string;
  value: string;
  /** Where the value sits in the scanned text (for replacing it). */
  valueStart: number;
  valueEnd: number;
}

const isWordCode = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
const isSpaceCode = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;

/** The word after "<" at `lt` (as regex \w+), lower-cased; empty when none. */
function nameAt(s: string, lt: number): { name: string; end: number } {
  let j = lt + 1;
  while (j < s.length && isWordCode(s.charCodeAt(j))) j++;
  return { name: s.slice(lt + 1, j).toLowerCase(), end: j };
}

/**
 * Start tags `<name …>` whose name is in `names` (lower case), in document order, as
 * /<(?:names)\b[^>]*>/gi would find them. Once no ">" follows, no later tag can end: stop.
 */
export function* startTags(s: string, names: readonly string[], from = 0): Generator<StartTag> {
  let lt = s.indexOf('<', from);
  while (lt !== -1) {
    const { name, end: nameEnd } = nameAt(s, lt);
    if (name && names.includes(name)) {
      const gt = s.indexOf('>', nameEnd);
      if (gt === -1) return;
      const tag = { name, start: lt, end: gt + 1, attrsStart: nameEnd };
      yield tag;
      // Any tag starting inside this one ends at the same ">": the regex would resume after it too.
      lt = s.indexOf('<', tag.end);
    } else {
      lt = s.indexOf('<', Math.max(lt + 1, nameEnd));
    }
  }
}

export function firstStartTag(s: string, name: string): StartTag | undefined {
  for (const tag of startTags(s, [name])) return tag;
  return undefined;
}

/**
 * The attributes of a start tag, as a browser reads them (name, "=", quoted or bare value),
 * in one pass. Later duplicates are dropped, as in HTML. Names are lower case.
 */
export function attributesOf(s: string, tag: StartTag): Map<string, Attribute> {
  const out = new Map<string, Attribute>();
  const stop = tag.end - 1;
  let i = tag.attrsStart;
  while (i < stop) {
    const c = s.charCodeAt(i);
    if (isSpaceCode(c) || c === 0x2f /* / */) {
      i++;
      continue;
    }
    const nameStart = i;
    i++; // a name may start with any other character, even "="
    while (i < stop && !isSpaceCode(s.charCodeAt(i)) && s[i] !== '/' && s[i] !== '=') i++;
    const name = s.slice(nameStart, i).toLowerCase();
    let j = i;
    while (j < stop && isSpaceCode(s.charCodeAt(j))) j++;
    let value = { value: '', valueStart: i, valueEnd: i };
    if (s[j] === '=') {
      j++;
      while (j < stop && isSpaceCode(s.charCodeAt(j))) j++;
      const q = s[j];
      if (q === '"' || q === "'") {
        const close = s.indexOf(q, j + 1);
        const valueEnd = close === -1 || close > stop ? stop : close;
        value = { value: s.slice(j + 1, valueEnd), valueStart: j + 1, valueEnd };
        i = valueEnd + 1;
      } else {
        let k = j;
        while (k < stop && !isSpaceCode(s.charCodeAt(k))) k++;
        value = { value: s.slice(j, k), valueStart: j, valueEnd: k };
        i = k;
      }
    }
    if (!out.has(name)) out.set(name, { name, ...value });
  }
  return out;
}

/** Whether `s` at `at` spells `word` (lower-case ASCII), ignoring ASCII case. */
export function startsWithCi(s: string, word: string, at: number): boolean {
  if (at + word.length > s.length) return false;
  for (let k = 0; k < word.length; k++) {
    let c = s.charCodeAt(at + k);
    if (c >= 0x41 && c <= 0x5a) c += 0x20;
    if (c !== word.charCodeAt(k)) return false;
  }
  return true;
}

/**
 * A finder of closing tags `</name\s*>` (or exactly `</name>` when `spaces` is false) that
 * remembers its last answer: callers search from increasing positions, so the text is read
 * once per name however many openers ask.
 */
export function closerFinder(s: string, name: string, spaces = true): (from: number) => { start: number; end: number } | undefined {
  let searchedFrom = Infinity;
  let found: { start: number; end: number } | undefined;
  return (from) => {
    if (from >= searchedFrom && (!found || found.start >= from)) return found;
    searchedFrom = from;
    found = undefined;
    let lt = s.indexOf('</', from);
    while (lt !== -1) {
      if (startsWithCi(s, name, lt + 2)) {
        let j = lt + 2 + name.length;
        if (spaces) while (j < s.length && isSpaceCode(s.charCodeAt(j))) j++;
        if (s[j] === '>') {
          found = { start: lt, end: j + 1 };
          break;
        }
      }
      lt = s.indexOf('</', lt + 2);
    }
    return found;
  };
}

/** Widens a range over [ \t]* before (not before `floor`) and [ \t]*\r?\n? after, as our strip regexes did. */
export function widenOverBlanks(s: string, start: number, end: number, floor: number): { start: number; end: number } {
  while (start > floor && (s[start - 1] === ' ' || s[start - 1] === '\t')) start--;
  while (end < s.length && (s[end] === ' ' || s[end] === '\t')) end++;
  if (s[end] === '\r' && s[end + 1] === '\n') end += 2;
  else if (s[end] === '\n') end++;
  return { start, end };
}

/** `s` with the (sorted, disjoint) ranges replaced by `by`. */
export function replaceRanges(s: string, ranges: readonly { start: number; end: number }[], by = ''): string {
  if (!ranges.length) return s;
  const parts: string[] = [];
  let at = 0;
  for (const r of ranges) {
    parts.push(s.slice(at, r.start), by);
    at = r.end;
  }
  parts.push(s.slice(at));
  return parts.join('');
}
