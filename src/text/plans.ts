/**
 * Where the notice and the manifest go in each text format. A plan is the output split
 * around the carrier: `before` + carrier + `after`, so the hard binding (everything but the
 * carrier) is known before the store is signed.
 */
import type { TextFormat } from '../media/sniff.js';
import { DST_BASE } from '../provenance/xmp.js';
import { a7ScriptLength, buildA7Script, declareUtf8, disclosureMetas, stripOurHead } from './a7-html.js';
import { a8Fits, a8TargetBytes, buildA8Wrapper } from './a8-wrapper.js';
import { firstStartTag } from './html-scan.js';
import { a9BlockLength, buildA9Block, splitFrontMatter, withoutOurFields } from './a9-block.js';
import type { CarrierKind } from './carriers.js';
import type { CarrierPlan } from './manifest-store.js';
import { insertNoticeLine, noticeHtml, noticeLine, stripNoticeHtml, stripNoticeLines } from './notice.js';
import { insertNoticeLineBytes, stripNoticeLinesBytes } from './notice-bytes.js';

export interface TextPlan extends CarrierPlan {
  kind: CarrierKind;
  carrier(store: Buffer, carrierLength: number): Buffer;
  /** Where the notice went, for the manifest's visible-warning assertion. */
  noticeDescription: string;
  warnings: string[];
}

type Placement = 'start' | 'end';

export function newlineOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** Removes the fields, head elements and notice element a previous label wrote. */
export function stripPreviousLabel(format: TextFormat, text: string): string {
  if (format === 'md') {
    const fm = splitFrontMatter(text);
    if (!fm) return text;
    const lines = withoutOurFields(fm.lines);
    // A front matter we created and that now holds nothing goes with our fields.
    if (!lines.some((l) => l.trim())) return fm.body;
    return [fm.open, ...lines, fm.close].join(fm.nl) + fm.nl + fm.body;
  }
  if (format === 'html') return stripNoticeHtml(stripOurHead(text));
  return text;
}

/** Plain text: notice line, then the A.8 wrapper appended at the very end. */
export function planPlain(text: string, wording: Record<string, string>, placement: Placement, labelled: boolean): TextPlan {
  const nl = newlineOf(text);
  // `text` is NFC already and the notice is NFC: no second pass over a large text.
  const visible = insertNoticeLine(stripNoticeLines(text, labelled), noticeLine(wording), placement, nl);
  return plainPlan(Buffer.from(visible, 'utf8'), placement);
}

/** planPlain for UTF-8 bytes (plain-utf8.ts): the same output, no string in between. */
export function planPlainBytes(text: Buffer, wording: Record<string, string>, placement: Placement, labelled: boolean): TextPlan {
  const nl = Buffer.from(text.includes('\r\n') ? '\r\n' : '\n', 'latin1');
  const pieces = insertNoticeLineBytes(stripNoticeLinesBytes(text, labelled), Buffer.from(noticeLine(wording), 'utf8'), placement, nl);
  return plainPlan(Buffer.concat(pieces), placement);
}

function plainPlan(before: Buffer, placement: Placement): TextPlan {
  return carrierPlan('A.8', before, Buffer.alloc(0), `a line at the ${placement} of the text`, []);
}

/**
 * A plan from its data: the carrier functions follow from the kind. The text worker sends
 * plans as data (functions do not cross threads); the main thread signs with this.
 */
export function carrierPlan(kind: CarrierKind, before: Buffer, after: Buffer, noticeDescription: string, warnings: string[]): TextPlan {
  const base = { kind, before, after, noticeDescription, warnings };
  if (kind === 'A.8') return { ...base, lengthFor: a8TargetBytes, fits: a8Fits, carrier: buildA8Wrapper };
  if (kind === 'A.9') return { ...base, lengthFor: a9BlockLength, carrier: (store) => Buffer.from(buildA9Block(store), 'ascii') };
  return { ...base, lengthFor: a7ScriptLength, carrier: (store) => Buffer.from(buildA7Script(store), 'ascii') };
}

/** Markdown: plain fields and the A.9 block in the front matter, notice paragraph in the body. */
export function planMarkdown(text: string, wording: Record<string, string>, placement: Placement, labelled: boolean, sourceType: string): TextPlan {
  const fm = splitFrontMatter(text);
  const nl = fm?.nl ?? newlineOf(text);
  const body = insertNoticeLine(stripNoticeLines(fm ? fm.body : text, labelled), noticeLine(wording), placement, nl);
  const yaml = [...(fm?.lines ?? []), 'ai_generated: true', `digital_source_type: ${DST_BASE}${sourceType}`];
  const before = `${fm?.open ?? '---'}${nl}${yaml.join(nl)}${nl}# `;
  const after = `${nl}${fm?.close ?? '---'}${nl}${body}`;
  return carrierPlan('A.9', Buffer.from(before, 'utf8'), Buffer.from(after, 'utf8'), `a paragraph at the ${placement} of the body, after the front matter`, []);
}

/** HTML: metas and the A.7 script in the head, the notice element in the body. */
export function planHtml(text: string, wording: Record<string, string>, placement: Placement, sourceType: string, opts: { converted: boolean }): TextPlan {
  const nl = newlineOf(text);
  const warnings: string[] = [];
  let html = opts.converted ? declareUtf8(text) : text;
  html = insertNoticeHtml(html, noticeHtml(wording), placement, nl);
  const metas = disclosureMetas(sourceType);
  let before: string;
  let after: string;
  const headClose = /<\/head\s*>/i.exec(html);
  // Start tags by a linear scan: /<head\b[^>]*>/ rescans the rest of the text from every "<head".
  const headOpen = firstStartTag(html, 'head');
  const htmlOpen = firstStartTag(html, 'html');
  if (headClose) {
    before = `${html.slice(0, headClose.index)}${metas}${nl}`;
    after = `${nl}${html.slice(headClose.index)}`;
  } else if (headOpen) {
    const at = headOpen.end;
    before = `${html.slice(0, at)}${nl}${metas}${nl}`;
    after = `${nl}${html.slice(at)}`;
  } else if (htmlOpen) {
    const at = htmlOpen.end;
    before = `${html.slice(0, at)}${nl}<head>${metas}${nl}`;
    after = `${nl}</head>${html.slice(at)}`;
  } else {
    // A fragment (a CMS body field) has no head: the carrier leads the fragment.
    before = `${metas}${nl}`;
    after = `${nl}${html}`;
    warnings.push('the HTML is a fragment without <head>: the C2PA script and the AI meta tags were put at its start');
  }
  return carrierPlan(
    'A.7',
    Buffer.from(before, 'utf8'),
    Buffer.from(after, 'utf8'),
    `an element (class "ai-disclosure") at the ${placement} of the body`,
    warnings,
  );
}

function insertNoticeHtml(html: string, element: string, placement: Placement, nl: string): string {
  if (placement === 'start') {
    const body = firstStartTag(html, 'body');
    if (body) return spliceAt(html, body.end, `${nl}${element}`);
    const headEnd = /<\/head\s*>/i.exec(html);
    if (headEnd) return spliceAt(html, headEnd.index + headEnd[0].length, `${nl}${element}`);
    return `${element}${nl}${html}`;
  }
  const end = lastMatch(html, /<\/body\s*>/gi) ?? lastMatch(html, /<\/html\s*>/gi);
  if (end !== undefined) return spliceAt(html, end, `${element}${nl}`);
  return html.endsWith('\n') ? `${html}${element}${nl}` : `${html}${nl}${element}${nl}`;
}

function spliceAt(s: string, at: number, insert: string): string {
  return s.slice(0, at) + insert + s.slice(at);
}

function lastMatch(s: string, re: RegExp): number | undefined {
  let at: number | undefined;
  for (const m of s.matchAll(re)) at = m.index;
  return at;
}
