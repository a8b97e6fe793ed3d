/**
 * The editorial fields a label carries over from its input (caption, title, headline, creator,
 * credit, rights, source, keywords, usage terms), read from XMP first, then IPTC-IIM, then
 * EXIF, then PNG text, the order ExifTool's merged tags gave them. Pure: runs in the parse worker.
 *
 * Each field is cut to a size real metadata never reaches, and all of them together to a byte
 * budget: the labelled JPEG's XMP must stay within the 60,000 bytes sharp writes into its one
 * segment (it silently drops a larger packet, and the AI label with it).
 */
import type { EditorialFields } from '../provenance/xmp.js';
import type { ExifFields } from './exif-reader.js';
import { IIM } from './iptc-iim.js';
import type { PngText } from './png-chunks.js';
import { XMP_NS, type XmpPacket } from './xmp-reader.js';

export interface EditorialSources {
  xmp?: XmpPacket;
  iim: Map<number, string[]>;
  exif: ExifFields;
  pngText: PngText[];
}

/** Characters per text field (IIM's own limits are smaller; the caption's is 2,000). */
const TEXT_CAP = { description: 2000, usageTerms: 1000, rights: 512, title: 256, headline: 256, credit: 256, source: 256 } as const;
const LIST_CAP = { creator: { items: 16, chars: 128 }, keywords: { items: 64, chars: 64 } } as const;
/** All carried fields together, as escaped XML bytes; the rest of our packet takes a few KB. */
const BUDGET_BYTES = 32 * 1024;

export function readEditorialFields(s: EditorialSources): EditorialFields {
  const first = (ns: string, name: string) => s.xmp?.first(ns, name);
  const all = (ns: string, name: string, limit: number) => s.xmp?.values(ns, name, limit) ?? [];
  const iim = (dataset: number) => s.iim.get(dataset) ?? [];
  const png = (...keys: string[]) => s.pngText.find((t) => keys.includes(t.keyword))?.text;
  const text = (...candidates: (string | undefined)[]) => candidates.find((v) => !!v?.trim());
  const list = (...candidates: string[][]) => candidates.find((v) => v.length);

  const budget = { left: BUDGET_BYTES };
  const fitText = (key: keyof typeof TEXT_CAP, v: string | undefined) => (v ? fitted(v, TEXT_CAP[key], budget) : undefined);
  const fitList = (key: keyof typeof LIST_CAP, v: string[] | undefined) => {
    const items = (v ?? [])
      .slice(0, LIST_CAP[key].items)
      .map((x) => fitted(x, LIST_CAP[key].chars, budget))
      .filter((x): x is string => !!x);
    return items.length ? items : undefined;
  };
  const exifArtist = s.exif.artist ? [s.exif.artist] : [];
  const pngArtist = png('Artist', 'Author');
  // In the order of what matters most to an editor, should the budget run out.
  const description = fitText('description', text(first(XMP_NS.dc, 'description'), iim(IIM.caption)[0], s.exif.imageDescription, png('Description')));
  const title = fitText('title', text(first(XMP_NS.dc, 'title'), iim(IIM.objectName)[0], png('Title')));
  const headline = fitText('headline', text(first(XMP_NS.photoshop, 'Headline'), iim(IIM.headline)[0]));
  const creator = fitList('creator', list(all(XMP_NS.dc, 'creator', LIST_CAP.creator.items), iim(IIM.byline), exifArtist, pngArtist ? [pngArtist] : []));
  const credit = fitText('credit', text(first(XMP_NS.photoshop, 'Credit'), iim(IIM.credit)[0]));
  const rights = fitText('rights', text(first(XMP_NS.dc, 'rights'), iim(IIM.copyright)[0], s.exif.copyright, png('Copyright')));
  const source = fitText('source', text(first(XMP_NS.photoshop, 'Source'), iim(IIM.source)[0], png('Source')));
  const keywords = fitList('keywords', list(all(XMP_NS.dc, 'subject', LIST_CAP.keywords.items), iim(IIM.keywords)));
  const usageTerms = fitText('usageTerms', text(first(XMP_NS.xmpRights, 'UsageTerms')));
  const aigc = upstreamAigc(first(XMP_NS.tc260, 'AIGC'));
  const out: EditorialFields = { title, description, creator, rights, credit, source, headline, keywords, usageTerms, aigc };
  for (const k of Object.keys(out) as (keyof EditorialFields)[]) if (out[k] === undefined) delete out[k];
  return out;
}

/** The producer fields of the input's TC260:AIGC JSON (GB 45438), each cut short; anything else is ignored. */
function upstreamAigc(raw: string | undefined): EditorialFields['aigc'] {
  if (!raw || raw.length > 4096) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const o = (parsed && typeof parsed === 'object' && 'AIGC' in parsed ? (parsed as { AIGC: unknown }).AIGC : parsed) as Record<string, unknown> | null;
  if (!o || typeof o !== 'object') return undefined;
  const field = (k: string) => (typeof o[k] === 'string' && (o[k] as string).trim() ? cutAt((o[k] as string).trim(), 256) : undefined);
  const out = { Label: field('Label'), ContentProducer: field('ContentProducer'), ProduceID: field('ProduceID') };
  return out.ContentProducer || out.ProduceID ? out : undefined;
}

/** `v` cut to `cap` characters and to what is left of the budget (halving: a few steps), or undefined if nothing fits. */
function fitted(v: string, cap: number, budget: { left: number }): string | undefined {
  let s = cutAt(v.trim(), cap);
  let size = xmlBytes(s);
  while (s && size > budget.left) {
    s = cutAt(s, Math.floor(s.length / 2));
    size = xmlBytes(s);
  }
  if (!s) return undefined;
  budget.left -= size;
  return s;
}

/** The first `n` UTF-16 units, never half a surrogate pair. */
function cutAt(s: string, n: number): string {
  if (s.length <= n) return s;
  const code = s.charCodeAt(n - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? n - 1 : n);
}

/** The bytes `s` takes in the packet once escaped (buildXmp writes &amp; &lt; &gt; &quot;). */
function xmlBytes(s: string): number {
  let extra = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x26) extra += 4;
    else if (c === 0x3c || c === 0x3e) extra += 3;
    else if (c === 0x22) extra += 5;
  }
  return Buffer.byteLength(s, 'utf8') + extra;
}
