/**
 * C2PA A.7 HTML: the manifest store as `<script type="application/c2pa">BASE64</script>` in
 * `<head>` (or a `<link rel="c2pa-manifest" href>` reference), plus a `<meta>` disclosure
 * that search engines and CMSs can read without C2PA.
 */
import { DST_BASE } from '../provenance/xmp.js';

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

const SCRIPT_RE = /<script\b[^>]*\btype\s*=\s*["']?application\/c2pa["']?[^>]*>([\s\S]*?)<\/script\s*>/gi;
const LINK_RE = /<link\b[^>]*\brel\s*=\s*["']?c2pa-manifest["']?[^>]*>/gi;

export function findA7Carriers(html: string): FoundScript[] {
  const found: FoundScript[] = [];
  for (const m of html.matchAll(SCRIPT_RE)) {
    const b64 = m[1].replace(/\s+/g, '');
    const at = { start: m.index, end: m.index + m[0].length };
    found.push(/^[A-Za-z0-9+/]+={0,2}$/.test(b64) ? { ...at, store: Buffer.from(b64, 'base64') } : { ...at, problem: 'the C2PA script element holds invalid base64' });
  }
  for (const m of html.matchAll(LINK_RE)) {
    const href = /\bhref\s*=\s*["']?([^"'\s>]+)/i.exec(m[0])?.[1];
    found.push({ start: m.index, end: m.index + m[0].length, ...(href ? { url: href } : { problem: 'the C2PA manifest link has no href' }) });
  }
  return found.sort((a, b) => a.start - b.start);
}

/** Removes what a previous label put in the head: our script(s) and disclosure metas. */
export function stripOurHead(html: string): string {
  return html
    .replace(/[ \t]*<script\b[^>]*\btype\s*=\s*["']?application\/c2pa["']?[^>]*>[\s\S]*?<\/script\s*>[ \t]*\r?\n?/gi, '')
    .replace(/[ \t]*<meta\b[^>]*\bname\s*=\s*["']?(?:ai-generated|digital-source-type)["']?[^>]*>[ \t]*\r?\n?/gi, '');
}

/** What the page's meta tags say about AI, for verification signals. */
export function metaClaims(html: string): { aiGenerated?: boolean; digitalSourceType?: string } {
  const out: { aiGenerated?: boolean; digitalSourceType?: string } = {};
  for (const m of html.matchAll(/<meta\b[^>]*>/gi)) {
    const name = /\bname\s*=\s*["']?([^"'\s>]+)/i.exec(m[0])?.[1]?.toLowerCase();
    const content = /\bcontent\s*=\s*["']([^"']*)["']|\bcontent\s*=\s*([^\s>]+)/i.exec(m[0]);
    const value = (content?.[1] ?? content?.[2] ?? '').trim();
    if (name === 'ai-generated') out.aiGenerated = /^(true|yes|1)$/i.test(value);
    if (name === 'digital-source-type') out.digitalSourceType = value;
  }
  return out;
}

/** Where a document's charset is declared, so a converted file can say UTF-8. */
export function declareUtf8(html: string): string {
  return html
    .replace(/(<meta\b[^>]*\bcharset\s*=\s*["']?)[\w-]+/i, '$1utf-8')
    .replace(/(<meta\b[^>]*\bcontent\s*=\s*["'][^"']*charset=)[\w-]+/i, '$1utf-8');
}

/** The text a reader sees: tags, scripts and styles removed, common entities decoded. */
export function visibleTextOf(html: string): string {
  return html
    .replace(/<(script|style|template)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}
