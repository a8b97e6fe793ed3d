/**
 * C2PA A.7 HTML: the manifest store as `<script type="application/c2pa">BASE64</script>` in
 * `<head>` (or a `<link rel="c2pa-manifest" href>` reference), plus a `<meta>` disclosure
 * that search engines and CMSs can read without C2PA.
 */
import { DST_BASE } from '../provenance/xmp.js';
import { attributesOf, closerFinder, replaceRanges, startTags, startsWithCi, widenOverBlanks } from './html-scan.js';

const OPEN = '<script type="application/c2pa">';
const CLOSE = '</script>';

export function a7ScriptLength(storeLength: number): number {
  return OPEN.length + 4 * Math.ceil(storeLength / 3) + CLOSE.length;
}

export function buildA7Script(store: Buffer): string {
  return `${OPEN}${store.toString('base64')}${CLOSE}`;
}

export function disclosureMetas(sourceType: string): string {
  return `<meta name="ai-generated" content="true"><meta name="digital-source-type" content="${DST_BASE}${sourceType}">`;
}

export interface FoundScript {
  start: number;
  end: number;
  store?: Buffer;
  url?: string;
  problem?: string;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The C2PA script elements `<script type="application/c2pa">…</script>`, in one linear pass. */
function* c2paScripts(html: string): Generator<{ start: number; end: number; body: string }> {
  const closer = closerFinder(html, 'script');
  let from = 0;
  for (;;) {
    let next: { start: number; end: number; body: string } | undefined;
    for (const tag of startTags(html, ['script'], from)) {
      if (attributesOf(html, tag).get('type')?.value.trim().toLowerCase() !== 'application/c2pa') continue;
      const close = closer(tag.end);
      // No closer after this opener: none after any later one either.
      if (!close) return;
      next = { start: tag.start, end: close.end, body: html.slice(tag.end, close.start) };
      break;
    }
    if (!next) return;
    yield next;
    from = next.end;
  }
}

/** `<link rel="c2pa-manifest" href>` elements (rel is a list of tokens). */
function* c2paLinks(html: string): Generator<{ start: number; end: number; href?: string }> {
  for (const tag of startTags(html, ['link'])) {
    const attrs = attributesOf(html, tag);
    if (
      !attrs
        .get('rel')
        ?.value.toLowerCase()
        .split(/[ \t\n\f\r]+/)
        .includes('c2pa-manifest')
    )
      continue;
    yield { start: tag.start, end: tag.end, href: attrs.get('href')?.value.trim() || undefined };
  }
}

export function findA7Carriers(html: string): FoundScript[] {
  const found: FoundScript[] = [];
  for (const m of c2paScripts(html)) {
    const b64 = m.body.replace(/\s+/g, '');
    const at = { start: m.start, end: m.end };
    found.push(BASE64.test(b64) ? { ...at, store: Buffer.from(b64, 'base64') } : { ...at, problem: 'the C2PA script element holds invalid base64' });
  }
  for (const m of c2paLinks(html)) {
    found.push({ start: m.start, end: m.end, ...(m.href ? { url: m.href } : { problem: 'the C2PA manifest link has no href' }) });
  }
  return found.sort((a, b) => a.start - b.start);
}

const OUR_METAS = ['ai-generated', 'digital-source-type'];

/** Removes what a previous label put in the head: our script(s) and disclosure metas. */
export function stripOurHead(html: string): string {
  const withoutScripts = stripRanges(html, [...c2paScripts(html)]);
  const metas = [...startTags(withoutScripts, ['meta'])].filter((t) =>
    OUR_METAS.includes(attributesOf(withoutScripts, t).get('name')?.value.trim().toLowerCase() ?? ''),
  );
  return stripRanges(withoutScripts, metas);
}

/** Cuts elements with the blanks around them and their line end, as a line of its own would go. */
function stripRanges(s: string, ranges: { start: number; end: number }[]): string {
  const wide: { start: number; end: number }[] = [];
  for (const r of ranges) wide.push(widenOverBlanks(s, r.start, r.end, wide.at(-1)?.end ?? 0));
  return replaceRanges(s, wide);
}

/** What the page's meta tags say about AI, for verification signals. */
export function metaClaims(html: string): { aiGenerated?: boolean; digitalSourceType?: string } {
  const out: { aiGenerated?: boolean; digitalSourceType?: string } = {};
  for (const tag of startTags(html, ['meta'])) {
    const attrs = attributesOf(html, tag);
    const name = attrs.get('name')?.value.trim().toLowerCase();
    const value = (attrs.get('content')?.value ?? '').trim();
    if (name === 'ai-generated') out.aiGenerated = /^(true|yes|1)$/i.test(value);
    if (name === 'digital-source-type') out.digitalSourceType = value;
  }
  return out;
}

/** Where a document's charset is declared, so a converted file can say UTF-8. */
export function declareUtf8(html: string): string {
  const edits: { start: number; end: number }[] = [];
  let charsetDone = false;
  let contentDone = false;
  for (const tag of startTags(html, ['meta'])) {
    const attrs = attributesOf(html, tag);
    const charset = attrs.get('charset');
    if (!charsetDone && charset && charset.value.trim()) {
      edits.push({ start: charset.valueStart, end: charset.valueEnd });
      charsetDone = true;
    }
    const content = attrs.get('content');
    const inContent = content && /charset=([\w-]+)/i.exec(content.value);
    if (!contentDone && content && inContent) {
      const at = content.valueStart + inContent.index + 'charset='.length;
      edits.push({ start: at, end: at + inContent[1].length });
      contentDone = true;
    }
    if (charsetDone && contentDone) break;
  }
  return replaceRanges(
    html,
    edits.sort((a, b) => a.start - b.start),
    'utf-8',
  );
}

const HIDDEN = ['script', 'style', 'template'];

/** The text a reader sees: tags, scripts and styles removed, common entities decoded. */
export function visibleTextOf(html: string): string {
  return withoutTags(withoutComments(withoutHidden(html)))
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

/** Script, style and template elements, opener to closer, each replaced by a space. */
function withoutHidden(html: string): string {
  const closers = new Map(HIDDEN.map((n) => [n, closerFinder(html, n)]));
  const ranges: { start: number; end: number }[] = [];
  let lt = html.indexOf('<');
  while (lt !== -1) {
    let next = lt + 1;
    const name = HIDDEN.find((n) => startsWithCi(html, n, lt + 1) && !isWordChar(html.charCodeAt(lt + 1 + n.length)));
    const close = name && closers.get(name)!(lt + 1 + name.length);
    if (close) {
      ranges.push({ start: lt, end: close.end });
      next = close.end;
    }
    lt = html.indexOf('<', next);
  }
  return replaceRanges(html, ranges, ' ');
}

function withoutComments(html: string): string {
  const ranges: { start: number; end: number }[] = [];
  let open = html.indexOf('<!--');
  while (open !== -1) {
    const close = html.indexOf('-->', open + 4);
    if (close === -1) break;
    ranges.push({ start: open, end: close + 3 });
    open = html.indexOf('<!--', close + 3);
  }
  return replaceRanges(html, ranges, ' ');
}

/** What /<[^>]+>/g removes: "<", at least one character, up to the first ">". */
function withoutTags(html: string): string {
  const ranges: { start: number; end: number }[] = [];
  let lt = html.indexOf('<');
  while (lt !== -1) {
    const gt = html.indexOf('>', lt + 1);
    if (gt === -1) break;
    if (gt === lt + 1) {
      lt = html.indexOf('<', lt + 1);
      continue;
    }
    ranges.push({ start: lt, end: gt + 1 });
    lt = html.indexOf('<', gt + 1);
  }
  return replaceRanges(html, ranges, ' ');
}

function isWordChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}
