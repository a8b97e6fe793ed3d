import { firstAtOrAfter, type Markup, scanMarkup } from './xml-markup.js';

/**
 * A small, forgiving XMP reader: enough to pull named properties out of a packet without an
 * XML library, in time linear in the packet (xml-markup.ts reads it once). XMP writers use
 * either element form (<ns:Prop>v</ns:Prop>, possibly wrapped in rdf:Alt/Bag/Seq) or attribute
 * form (ns:Prop="v"), and any prefix for a namespace, so properties are looked up by namespace
 * URI, not by prefix.
 */
export const XMP_NS = {
  iptcExt: 'http://iptc.org/std/Iptc4xmpExt/2008-02-29/',
  xmp: 'http://ns.adobe.com/xap/1.0/',
  tc260: 'http://www.tc260.org.cn/ns/AIGC/1.0/',
  tiff: 'http://ns.adobe.com/tiff/1.0/',
  photoshop: 'http://ns.adobe.com/photoshop/1.0/',
  dc: 'http://purl.org/dc/elements/1.1/',
  xmpRights: 'http://ns.adobe.com/xap/1.0/rights/',
} as const;

export class XmpPacket {
  private readonly markup: Markup;

  constructor(readonly text: string) {
    this.markup = scanMarkup(text);
  }

  /** Every value of a property (the items of a list, or the one simple value), at most `limit` of them. */
  values(namespace: string, name: string, limit = MAX_VALUES): string[] {
    const out: string[] = [];
    const add = (raw: string) => {
      const v = raw.trim();
      if (v && out.length < limit) out.push(decodeXml(v));
    };
    for (const p of this.markup.prefixes.get(namespace) ?? []) {
      const q = `${p}:${name}`;
      for (const [from, to] of this.elements(q, 0, this.text.length, limit)) {
        const items = this.elements('rdf:li', from, to, limit);
        for (const [a, b] of items.length ? items : [[from, to]]) add(this.text.slice(a, b));
        if (out.length >= limit) return out;
      }
      for (const v of this.markup.attributes.get(q) ?? []) add(v);
      for (const v of this.markup.resources.get(q) ?? []) if (out.length < limit) out.push(decodeXml(v));
      if (out.length >= limit) return out;
    }
    return out;
  }

  /** Whether the packet holds the property at all (as an element, an attribute or a resource), whatever its value. */
  has(namespace: string, name: string): boolean {
    const m = this.markup;
    return (m.prefixes.get(namespace) ?? []).some((p) => m.starts.has(`${p}:${name}`) || m.attributes.has(`${p}:${name}`) || m.resources.has(`${p}:${name}`));
  }

  first(namespace: string, name: string): string | undefined {
    return this.values(namespace, name, 1)[0];
  }

  /**
   * The content ranges of elements `q` inside [from, to), each opener paired with the first
   * closer after it, and openers inside a matched element skipped (as the lazy regex did).
   */
  private elements(q: string, from: number, to: number, limit: number): [number, number][] {
    const starts = this.markup.starts.get(q);
    const ends = this.markup.ends.get(q);
    if (!starts || !ends) return [];
    const out: [number, number][] = [];
    let e = firstAtOrAfter(ends, 2, from);
    let resume = from;
    for (let i = firstAtOrAfter(starts, 3, from); i < starts.length && starts[i] < to && out.length < limit; i += 3) {
      if (starts[i] < resume || starts[i + 2]) continue;
      const contentStart = starts[i + 1];
      while (e < ends.length && ends[e] < contentStart) e += 2;
      if (e >= ends.length || ends[e + 1] > to) break;
      out.push([contentStart, ends[e]]);
      resume = ends[e + 1];
    }
    return out;
  }
}

/** Values returned per property: a real packet has a handful; each becomes a signal in the report. */
const MAX_VALUES = 64;

const NAMED: [name: string, text: string][] = [
  ['amp;', '&'],
  ['lt;', '<'],
  ['gt;', '>'],
  ['quot;', '"'],
  ['apos;', "'"],
];

/**
 * XML text → characters, in one pass: CDATA sections kept as written, entities (named and
 * numeric) decoded once; a malformed or out-of-range one (&#x110000;) stays as written.
 */
export function decodeXml(s: string): string {
  let amp = s.indexOf('&');
  let cdata = s.indexOf('<![CDATA[');
  if (amp < 0 && cdata < 0) return s;
  const parts: string[] = [];
  let at = 0;
  while (amp >= 0 || cdata >= 0) {
    if (cdata >= 0 && (amp < 0 || cdata < amp)) {
      const close = s.indexOf(']]>', cdata + 9);
      if (close < 0) {
        cdata = -1; // never closed: read as text, and no later one can close either
        continue;
      }
      parts.push(s.slice(at, cdata), s.slice(cdata + 9, close));
      at = close + 3;
      cdata = s.indexOf('<![CDATA[', at);
      if (amp >= 0 && amp < at) amp = s.indexOf('&', at);
      continue;
    }
    const entity = entityAt(s, amp);
    if (entity) {
      parts.push(s.slice(at, amp), entity.text);
      at = entity.end;
    }
    amp = s.indexOf('&', amp + 1);
  }
  parts.push(s.slice(at));
  return parts.join('');
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);

function entityAt(s: string, amp: number): { text: string; end: number } | undefined {
  if (s.charCodeAt(amp + 1) === 0x23) {
    const hex = s[amp + 2] === 'x' || s[amp + 2] === 'X';
    const digits = amp + (hex ? 3 : 2);
    let j = digits;
    while (j < s.length && (hex ? isHex : isDigit)(s.charCodeAt(j))) j++;
    if (j === digits || s[j] !== ';') return undefined;
    const code = Number.parseInt(s.slice(digits, j), hex ? 16 : 10);
    return code <= 0x10ffff ? { text: String.fromCodePoint(code), end: j + 1 } : undefined;
  }
  for (const [name, text] of NAMED) if (s.startsWith(name, amp + 1)) return { text, end: amp + 1 + name.length };
  return undefined;
}

/** Finds an XMP packet in raw bytes (two native searches): the fallback for formats sharp does not read. */
export function findXmpInBytes(bytes: Buffer): Buffer | undefined {
  const start = bytes.indexOf('<x:xmpmeta');
  if (start < 0) return undefined;
  const end = bytes.indexOf('</x:xmpmeta>', start);
  if (end < 0) return undefined;
  return bytes.subarray(start, end + '</x:xmpmeta>'.length);
}
