/**
 * The visible warning in a text: one line for plain text and Markdown, one element for HTML.
 * Its shape is fixed (a leading ⚠ and the wordings joined by " / ") so relabelling can find
 * and replace it instead of stacking a second one.
 */
import { matchDisclosure } from '../domain/disclosure-phrases.js';
import { DEFAULT_WORDING } from '../domain/wording.js';
import { attributesOf, closerFinder, replaceRanges, startTags, widenOverBlanks } from './html-scan.js';

/** U+26A0 without a variation selector: our own notice adds no selectors to the text. */
export const NOTICE_SIGN = '⚠';
export const NOTICE_CLASS = 'ai-disclosure';

export function noticeLine(wording: Record<string, string>): string {
  return `${NOTICE_SIGN} ${Object.values(wording).join(' / ')}`;
}

export function noticeHtml(wording: Record<string, string>): string {
  const spans = Object.entries(wording).map(([lang, w]) => `<span lang="${lang}">${escapeHtml(w)}</span>`);
  return `<p class="${NOTICE_CLASS}" data-ai-disclosure="true" role="note">${NOTICE_SIGN} ${spans.join(' / ')}</p>`;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Puts the notice line first (after any leading blank lines) or last, set off by a blank line. */
export function insertNoticeLine(body: string, line: string, placement: 'start' | 'end', nl: string): string {
  if (placement === 'start') {
    const lead = /^(?:[ \t]*\r?\n)*/.exec(body)![0];
    const rest = body.slice(lead.length);
    return rest ? `${lead}${line}${nl}${nl}${rest}` : `${lead}${line}${nl}`;
  }
  if (!body.trim()) return `${body}${line}${nl}`;
  return /\n$/.test(body) ? `${body}${nl}${line}${nl}` : `${body}${nl}${nl}${line}`;
}

/**
 * Removes our notice line from the start and the end of a body: the exact inverse of
 * insertNoticeLine. `labelled` says the text carried a C2PA carrier, so any ⚠ line there is
 * ours; otherwise only a line with a default wording is taken, to leave an author's own
 * ⚠ line alone.
 */
export function stripNoticeLines(body: string, labelled: boolean): string {
  const isOurs = (line: string) => isOurNoticeLine(line, labelled);
  // Only the ends are looked at: a large text is never split into lines.
  let out = body;
  const lead = /^(?:[ \t]*\r?\n)*/.exec(out)![0].length;
  const firstEnd = out.indexOf('\n', lead);
  const first = out.slice(lead, firstEnd === -1 ? out.length : firstEnd);
  if (isOurs(first)) {
    let cut = firstEnd === -1 ? out.length : firstEnd + 1;
    const blank = /^[ \t]*\r?\n/.exec(out.slice(cut, cut + 64));
    if (blank) cut += blank[0].length;
    out = out.slice(0, lead) + out.slice(cut);
  }
  const tail = out.slice(-4096);
  const trail = tail.slice(tail.length - trailingBlankLength(tail));
  const lastEnd = out.length - trail.length;
  const lastStart = out.lastIndexOf('\n', lastEnd - 1) + 1;
  if (lastEnd > 0 && isOurs(out.slice(lastStart, lastEnd))) {
    // Drop the line and the blank line before it; keep what followed (the final newline).
    const before = out.slice(0, lastStart);
    const blankBefore = /\r?\n[ \t]*\r?\n$/.exec(before.slice(-64));
    out = (blankBefore ? before.slice(0, before.length - blankBefore[0].length) : before.slice(0, before.length - finalLineEnd(before))) + trail;
  }
  return out;
}

/**
 * Length of the blank end of `s`: spaces, tabs, LF and CRLF, as /(?:[ \t]*\r?\n|[ \t]+)*$/
 * would match it. A loop, because that regex backtracks exponentially on a run of spaces
 * followed by more text (30 spaces took minutes).
 */
export function trailingBlankLength(s: string): number {
  let i = s.length;
  while (i > 0) {
    const c = s[i - 1];
    if (c === ' ' || c === '\t' || c === '\n' || (c === '\r' && s[i] === '\n')) i--;
    else break;
  }
  return s.length - i;
}

/** Length of /\r?\n$/ in `s`. */
function finalLineEnd(s: string): number {
  if (!s.endsWith('\n')) return 0;
  return s.endsWith('\r\n') ? 2 : 1;
}

/** A ⚠ line is ours in a labelled text; otherwise only when it holds a default wording. */
export function isOurNoticeLine(line: string, labelled: boolean): boolean {
  const t = line.trim();
  return t.startsWith(`${NOTICE_SIGN} `) && (labelled || Object.values(DEFAULT_WORDING).some((w) => t.includes(w)));
}

/** Removes every notice element we wrote (found by its data attribute), with its line; one linear pass. */
export function stripNoticeHtml(html: string): string {
  const closer = closerFinder(html, 'p', false);
  const ranges: { start: number; end: number }[] = [];
  let from = 0;
  for (;;) {
    let found: { start: number; end: number } | undefined;
    for (const tag of startTags(html, ['p'], from)) {
      if (attributesOf(html, tag).get('data-ai-disclosure')?.value !== 'true') continue;
      const close = closer(tag.end);
      if (!close) break; // no "</p>" after this one: none after any later one
      found = widenOverBlanks(html, tag.start, close.end, ranges.at(-1)?.end ?? 0);
      break;
    }
    if (!found) break;
    ranges.push(found);
    from = found.end;
  }
  return replaceRanges(html, ranges);
}

const GENERIC_NOTICE = [
  /ЖИ\s+көмегімен/i,
  /жасанды\s+интеллект/i,
  // One run of spaces per gap: \s+ next to \s* made a long run of spaces quadratic.
  /(?:создано|сгенерировано|подготовлено)\s+(?:с\s+(?:помощью|использованием)\s*)?(?:ИИ|искусственн)/i,
  /сгенерировано\s+ИИ/i,
  /(?:generated|created|written)\s+(?:with|by)\s+(?:AI|artificial intelligence)/i,
  /\bAI[- ]generated\b/i,
];

export interface NoticeFinding {
  found: boolean;
  /** Which wordings were seen, per language, when the manifest told us what to look for. */
  languages: string[];
  excerpt?: string;
}

/**
 * Looks for the visible warning in what a reader sees. When the manifest records the
 * wording, every recorded line must be there; otherwise common disclosure phrasings count.
 */
export function findNotice(visible: string, recorded?: Record<string, string>): NoticeFinding {
  if (recorded && Object.keys(recorded).length) return findRecordedNotice(visible, undefined, recorded);
  return findGenericNotice(visible);
}

/**
 * Every recorded wording in the visible text. `visibleNfc` is its NFC form when the caller
 * has it (the text worker sends it): then the main thread only searches, never normalises.
 */
export function findRecordedNotice(visible: string, visibleNfc: string | undefined, recorded: Record<string, string>): NoticeFinding {
  // Our outputs are NFC; normalising a large text costs a full pass, so only on a miss.
  const has = (w: string) => visible.includes(w) || visible.includes(escapeHtml(w));
  let languages = Object.entries(recorded)
    .filter(([, w]) => has(w))
    .map(([l]) => l);
  if (languages.length < Object.keys(recorded).length) {
    const nfc = visibleNfc ?? visible.normalize('NFC');
    languages = Object.entries(recorded)
      .filter(([, w]) => nfc.includes(w.normalize('NFC')) || nfc.includes(escapeHtml(w).normalize('NFC')))
      .map(([l]) => l);
  }
  const found = languages.length === Object.keys(recorded).length;
  return { found, languages, excerpt: found ? Object.values(recorded).join(' / ') : undefined };
}

/**
 * Common disclosure phrasings, for a text whose manifest records no wording: the phrasings
 * above anywhere, or a disclosure sentence in Kazakh, Russian, English or Chinese
 * (domain/disclosure-phrases.ts: «Сгенерировано нейросетью», «Made with AI», «人工智能生成»,
 * «ЖИ · ИИ»…) in the first or last lines, where another tool puts its notice.
 */
export function findGenericNotice(visible: string): NoticeFinding {
  const text = visible.normalize('NFC');
  const hit = GENERIC_NOTICE.map((re) => re.exec(text)).find(Boolean);
  if (hit) return { found: true, languages: [], excerpt: text.slice(Math.max(0, hit.index - 20), hit.index + hit[0].length + 20).trim() };
  const line = endLines(text).find((l) => matchDisclosure(l.split(/[ \t]+/)));
  if (line) return { found: true, languages: [matchDisclosure(line.split(/[ \t]+/))!.language], excerpt: line.trim().slice(0, 160) };
  return { found: false, languages: [] };
}

/** How much of each end is looked at, and how many lines: a notice is a line or two, never the body. */
const END_CHARS = 2000;
const END_LINES = 3;

/** The first and last few non-blank lines (cut from the ends only: a large text is never split whole). */
function endLines(text: string): string[] {
  const lines = (part: string) =>
    part
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  if (text.length <= 2 * END_CHARS) {
    const all = lines(text);
    return [...all.slice(0, END_LINES), ...all.slice(Math.max(END_LINES, all.length - END_LINES))];
  }
  return [...lines(text.slice(0, END_CHARS)).slice(0, END_LINES), ...lines(text.slice(-END_CHARS)).slice(-END_LINES)];
}
