/**
 * One pass over the markup of an XMP packet, indexing what the XMP reader asks for: start and
 * end tags by name, attribute values by name, rdf:resource values by tag, and namespace
 * prefixes. The regexes this replaces (/<p:Name(?:\s[^>]*)?>([\s\S]*?)<\/p:Name>/ and kin, one
 * set per prefix) rescanned the rest of the packet from every opener without a closer, and once
 * per declared prefix: an 8 MB packet took hours. Here each character is read a bounded number
 * of times. Comments, CDATA sections, processing instructions and doctypes are skipped; a
 * construct never closed (a comment, an attribute's quote) ends the scan, since nothing after
 * it can be markup; a tag broken off by another "<" is dropped and the scan goes on there.
 */

export interface Markup {
  /** Start tags by qualified name: flat [start, end (past ">"), empty (1 for "/>")] triples, in document order. */
  starts: Map<string, number[]>;
  /** End tags by qualified name: flat [start, end] pairs, in document order. */
  ends: Map<string, number[]>;
  /** Raw (undecoded) values of attributes by qualified name, in document order. */
  attributes: Map<string, string[]>;
  /** Raw rdf:resource values by the name of the tag carrying them. */
  resources: Map<string, string[]>;
  /** Namespace URI → its prefixes, each once, in order of declaration. */
  prefixes: Map<string, string[]>;
}

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
/** What ends a name: space, "/", ">", "=", "<" or a quote (XML names allow the rest, ":" and non-ASCII included). */
const endsName = (c: number) => isSpace(c) || c === 0x2f || c === 0x3e || c === 0x3d || c === 0x3c || c === 0x22 || c === 0x27;

function listOf<T>(map: Map<string, T[]>, key: string): T[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}

function nameEnd(s: string, i: number): number {
  while (i < s.length && !endsName(s.charCodeAt(i))) i++;
  return i;
}

function skipSpaces(s: string, i: number): number {
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i;
}

/** Just past `token` searched from `from`, or -1. */
function past(s: string, token: string, from: number): number {
  const i = s.indexOf(token, from);
  return i < 0 ? -1 : i + token.length;
}

export function scanMarkup(s: string): Markup {
  const m: Markup = { starts: new Map(), ends: new Map(), attributes: new Map(), resources: new Map(), prefixes: new Map() };
  const starts = new Lists(m.starts);
  const ends = new Lists(m.ends);
  let lt = s.indexOf('<');
  while (lt !== -1) {
    const c = s.charCodeAt(lt + 1);
    let next: number;
    if (c === 0x2f /* / */) next = endTag(s, lt, ends);
    else if (c === 0x3f /* ? */) next = past(s, '?>', lt + 2);
    else if (c !== 0x21 /* ! */) next = startTag(s, lt, starts, m);
    else if (s.startsWith('<!--', lt)) next = past(s, '-->', lt + 4);
    else if (s.startsWith('<![CDATA[', lt)) next = past(s, ']]>', lt + 9);
    else next = past(s, '>', lt + 2);
    if (next < 0) break;
    lt = s.indexOf('<', next);
  }
  return m;
}

/** The list of a tag name, the last one reused while the same name repeats (no slice, no lookup). */
class Lists {
  name = '';
  list: number[] = [];
  constructor(private readonly map: Map<string, number[]>) {}

  of(s: string, from: number, to: number): number[] {
    if (to - from !== this.name.length || !s.startsWith(this.name, from)) {
      this.name = s.slice(from, to);
      this.list = listOf(this.map, this.name);
    }
    return this.list;
  }
}

/** `</name>` (spaces allowed before ">"); returns where to look for the next "<". */
function endTag(s: string, lt: number, ends: Lists): number {
  const end = nameEnd(s, lt + 2);
  if (end === lt + 2) return lt + 2;
  const gt = skipSpaces(s, end);
  if (s.charCodeAt(gt) === 0x3e) ends.of(s, lt + 2, end).push(lt, gt + 1);
  return gt;
}

/** `<name attr="v" …>` or `…/>`; returns where to look for the next "<", or -1 when nothing after can be markup. */
function startTag(s: string, lt: number, starts: Lists, m: Markup): number {
  const end = nameEnd(s, lt + 1);
  if (end === lt + 1) return lt + 1;
  let attrs: string[] | undefined; // name, value, name, value…
  let i = end;
  for (;;) {
    i = skipSpaces(s, i);
    if (i >= s.length) return -1;
    const c = s.charCodeAt(i);
    if (c === 0x3c) return i; // broken off by another tag: dropped
    const empty = c === 0x2f && s.charCodeAt(i + 1) === 0x3e;
    if (c === 0x3e || empty) {
      const close = i + (empty ? 2 : 1);
      starts.of(s, lt + 1, end).push(lt, close, empty ? 1 : 0);
      if (attrs) for (let k = 0; k < attrs.length; k += 2) record(m, starts.name, attrs[k], attrs[k + 1]);
      return close;
    }
    const attrEnd = nameEnd(s, i);
    if (attrEnd === i) {
      i++; // a stray "/", "=" or quote
      continue;
    }
    let j = skipSpaces(s, attrEnd);
    if (s.charCodeAt(j) !== 0x3d) {
      i = j; // an attribute without a value: not XML, ignored
      continue;
    }
    j = skipSpaces(s, j + 1);
    const q = s[j];
    if (q !== '"' && q !== "'") {
      i = j; // an unquoted value: not XML, ignored
      continue;
    }
    const close = s.indexOf(q, j + 1);
    if (close < 0) return -1; // the rest of the packet is this value
    attrs ??= [];
    attrs.push(s.slice(i, attrEnd), s.slice(j + 1, close));
    i = close + 1;
  }
}

function record(m: Markup, tag: string, name: string, value: string): void {
  if (name.startsWith('xmlns:')) {
    const prefix = name.slice(6);
    const list = m.prefixes.get(value);
    if (!list) m.prefixes.set(value, [prefix]);
    else if (!list.includes(prefix) && list.length < MAX_PREFIXES) list.push(prefix);
    return;
  }
  listOf(m.attributes, name).push(value);
  if (name === 'rdf:resource') listOf(m.resources, tag).push(value);
}

/**
 * Prefixes kept per namespace. Real packets bind a namespace once or twice; thousands of
 * prefixes for one namespace would make every lookup read the packet thousands of times.
 */
export const MAX_PREFIXES = 8;

/** First index of a flat list of `width`-wide records whose first field is at or after `at`. */
export function firstAtOrAfter(list: number[], width: number, at: number): number {
  let lo = 0;
  let hi = list.length / width;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid * width] < at) lo = mid + 1;
    else hi = mid;
  }
  return lo * width;
}
