/**
 * A small, forgiving XMP reader: enough to pull named properties out of a packet without an
 * XML library. XMP writers use either element form (<ns:Prop>v</ns:Prop>, possibly wrapped in
 * rdf:Alt/Bag/Seq) or attribute form (ns:Prop="v"), and any prefix for a namespace, so
 * properties are looked up by namespace URI, not by prefix.
 */
export const XMP_NS = {
  iptcExt: 'http://iptc.org/std/Iptc4xmpExt/2008-02-29/',
  xmp: 'http://ns.adobe.com/xap/1.0/',
  tc260: 'http://www.tc260.org.cn/ns/AIGC/1.0/',
  tiff: 'http://ns.adobe.com/tiff/1.0/',
  photoshop: 'http://ns.adobe.com/photoshop/1.0/',
} as const;

export class XmpPacket {
  private readonly prefixes = new Map<string, string[]>();

  constructor(readonly text: string) {
    for (const m of text.matchAll(/xmlns:([\w.-]+)\s*=\s*["']([^"']*)["']/g)) {
      const list = this.prefixes.get(m[2]) ?? [];
      list.push(m[1]);
      this.prefixes.set(m[2], list);
    }
  }

  /** Every value of a property (the items of a list, or the one simple value). */
  values(namespace: string, name: string): string[] {
    const out: string[] = [];
    for (const p of this.prefixes.get(namespace) ?? []) {
      const q = `${escapeRe(p)}:${escapeRe(name)}`;
      for (const m of this.text.matchAll(new RegExp(`<${q}(?:\\s[^>]*)?>([\\s\\S]*?)</${q}>`, 'g'))) {
        const inner = m[1];
        const items = [...inner.matchAll(/<rdf:li(?:\s[^>]*)?>([\s\S]*?)<\/rdf:li>/g)].map((li) => li[1]);
        for (const v of items.length ? items : [inner]) if (v.trim()) out.push(decodeXml(v.trim()));
      }
      for (const m of this.text.matchAll(new RegExp(`[\\s"']${q}\\s*=\\s*"([^"]*)"`, 'g'))) if (m[1].trim()) out.push(decodeXml(m[1].trim()));
      for (const m of this.text.matchAll(new RegExp(`<${q}\\s[^>]*rdf:resource\\s*=\\s*"([^"]*)"`, 'g'))) out.push(decodeXml(m[1]));
    }
    return out;
  }

  first(namespace: string, name: string): string | undefined {
    return this.values(namespace, name)[0];
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function decodeXml(s: string): string {
  return s
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Finds an XMP packet in raw bytes: the fallback for formats sharp does not read. */
export function findXmpInBytes(bytes: Buffer): string | undefined {
  const start = bytes.indexOf('<x:xmpmeta');
  if (start < 0) return undefined;
  const end = bytes.indexOf('</x:xmpmeta>', start);
  if (end < 0) return undefined;
  return bytes.subarray(start, end + '</x:xmpmeta>'.length).toString('utf8');
}
