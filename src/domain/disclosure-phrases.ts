/**
 * The disclosure phrases a visible AI warning is written in (Kazakh, Russian, English, Chinese)
 * and one matcher for words read by OCR or found at a text's start or end.
 *
 * Words are compared as skeletons: lower case, letters that look alike in Latin and Cyrillic
 * (and the digits OCR takes for them) folded together, so «Al-generated», «AІ» or «Сreated»
 * with a Cyrillic С still match. A phrase needs an AI word («ЖИ», «ИИ», «AI», «жасанды
 * интеллект», «искусственн…», «нейросет…», «人工智能») next to a word that says it made the
 * picture («жасалған», «создано», «generated», «生成»…): a caption «Алматы 2026», a sign
 * «AIR MAIL» or a banner «Искусственный интеллект 2026» is not a warning. A line of nothing
 * but the short marks («ЖИ · ИИ») counts too. Everything is a linear scan over short tokens,
 * with bounded edit distances: no regular expression ever runs on the words read.
 */

export type DisclosureLang = 'kk' | 'ru' | 'en' | 'zh';

export interface DisclosureMatch {
  language: DisclosureLang;
  /** Index of the first and after the last input word the phrase covers. */
  start: number;
  end: number;
  /** 'phrase': an AI word with a making word; 'short-mark': a line of only «ЖИ» / «ИИ» marks. */
  kind: 'phrase' | 'short-mark';
}

/** Letters OCR and fonts mix up, folded to one form; anything not listed is kept (lower case). */
const FOLD: Record<string, string> = {
  а: 'a',
  ә: 'a',
  е: 'e',
  ё: 'e',
  є: 'e',
  о: 'o',
  ө: 'o',
  '0': 'o',
  р: 'p',
  с: 'c',
  х: 'x',
  у: 'y',
  ү: 'y',
  ұ: 'y',
  к: 'k',
  қ: 'k',
  м: 'm',
  н: 'h',
  ң: 'h',
  һ: 'h',
  в: 'b',
  т: 't',
  і: 'i',
  ї: 'i',
  l: 'i',
  '1': 'i',
  '|': 'i',
  '!': 'i',
  ı: 'i',
  ғ: 'г',
  п: 'n',
  й: 'и',
  '3': 'з',
  '6': 'б',
};

const MAX_TOKEN = 32;
const MAX_WORDS = 4096;

function isCjk(cp: number): boolean {
  return (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0xf900 && cp <= 0xfaff);
}

function isWordChar(ch: string, cp: number): boolean {
  // Letters and digits of any script, the symbols OCR reads for I and l, and _ (ai_generated is a field name, not words).
  return ch === '|' || ch === '!' || ch === '_' || (cp >= 0x30 && cp <= 0x39) || ch.toLowerCase() !== ch.toUpperCase() || cp === 0x131;
}

interface Token {
  s: string;
  word: number;
  cjk: boolean;
}

/** Splits words into skeleton tokens: runs of letters, each CJK ideograph on its own; punctuation, hyphens and dots separate. */
function tokenise(words: readonly string[]): Token[] {
  const out: Token[] = [];
  const n = Math.min(words.length, MAX_WORDS);
  for (let w = 0; w < n; w++) {
    let cur = '';
    const flush = () => {
      if (cur) out.push({ s: cur.slice(0, MAX_TOKEN), word: w, cjk: false });
      cur = '';
    };
    for (const ch of words[w].normalize('NFC').slice(0, 256)) {
      const cp = ch.codePointAt(0) ?? 0;
      if (isCjk(cp)) {
        flush();
        out.push({ s: ch, word: w, cjk: true });
      } else if (isWordChar(ch, cp)) {
        const lower = ch.toLowerCase();
        if (cur.length <= MAX_TOKEN) cur += FOLD[lower] ?? lower;
      } else flush();
    }
    flush();
  }
  return out;
}

const ROW_A = new Int32Array(MAX_TOKEN + 8);
const ROW_B = new Int32Array(MAX_TOKEN + 8);

/** Levenshtein distance of a[0..aLen) and b, or limit + 1 once it is certain to exceed the limit; no allocation. */
function distance(a: string, aLen: number, b: string, limit: number): number {
  if (Math.abs(aLen - b.length) > limit) return limit + 1;
  let prev = ROW_A;
  let cur = ROW_B;
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= aLen; i++) {
    cur[0] = i;
    let best = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca === b.charCodeAt(j - 1) ? 0 : 1));
      cur[j] = v;
      if (v < best) best = v;
    }
    if (best > limit) return limit + 1;
    const t = prev;
    prev = cur;
    cur = t;
  }
  return prev[b.length];
}

/** One word of a phrase: its skeleton, whether longer endings are allowed («искусственн…»), how many letters OCR may get wrong. */
interface Term {
  form: string;
  prefix: boolean;
  edits: number;
}

function term(word: string): Term {
  const prefix = word.endsWith('*');
  const form = tokenise([prefix ? word.slice(0, -1) : word])[0].s;
  // Short words must be exact (after folding): «AIR», «MAIL», «ЖИЛ» are not «AI», «ЖИ».
  const edits = form.length >= 10 ? 2 : form.length >= 6 ? 1 : 0;
  return { form, prefix, edits };
}

function fits(token: string, t: Term): boolean {
  // OCR keeps one of the first two letters right: a cheap test before the edit distance.
  if (t.form.length > 1 && token.length > 1 && token.charCodeAt(0) !== t.form.charCodeAt(0) && token.charCodeAt(1) !== t.form.charCodeAt(1)) return false;
  if (!t.prefix) return distance(token, token.length, t.form, t.edits) <= t.edits;
  // A prefix term: the token's start, give or take the allowed edits, is the form.
  for (let len = Math.max(1, t.form.length - t.edits); len <= Math.min(token.length, t.form.length + t.edits); len++) {
    if (distance(token, len, t.form, t.edits) <= t.edits) return true;
  }
  return false;
}

/** A sequence of terms that must follow each other (CJK phrases are one term per ideograph). */
type Seq = Term[];
const seq = (...words: string[]): Seq => words.map(term);
const cjk = (s: string): Seq => [...s].map((ch) => ({ form: ch, prefix: false, edits: 0 }));

interface Language {
  /** Words that name AI. */
  ai: Seq[];
  /** Words that say it made the picture or the text. */
  making: Seq[];
}

const LANGUAGES: Record<DisclosureLang, Language> = {
  kk: {
    ai: [seq('жи'), seq('жасанды', 'интеллект*')],
    making: [seq('көмегімен'), seq('жасалған'), seq('жасаған'), seq('жасалды'), seq('арқылы'), seq('генерацияланған*'), seq('құрылған')],
  },
  ru: {
    ai: [seq('ии'), seq('искусствен*'), seq('нейросет*')],
    making: [seq('создан*'), seq('сгенерирова*'), seq('сделан*'), seq('помощью'), seq('использованием'), seq('генерац*'), seq('нарисован*')],
  },
  en: {
    ai: [seq('ai'), seq('artificial', 'intelligence')],
    making: [seq('generated'), seq('created'), seq('made'), seq('produced'), seq('generation'), seq('synthesized')],
  },
  zh: {
    ai: [cjk('人工智能'), seq('ai')],
    making: [cjk('生成'), cjk('合成'), cjk('制作')],
  },
};

/** The marks that may stand alone on a line: our own short mark is «ЖИ · ИИ». A lone «AI» is too common in product names. */
const SHORT_MARKS: { t: Term; language: DisclosureLang }[] = [
  { t: term('жи'), language: 'kk' },
  { t: term('ии'), language: 'ru' },
];
const AI_MARK = term('ai');
/** A lone «ЖИ» or «ИИ» needs a confident read; two marks together («ЖИ · ИИ») confirm each other. */
const LONE_MARK_CONFIDENCE = 85;
/** How many tokens may stand between the AI word and the making word («создано с помощью ИИ»: 2). */
const WINDOW = 4;
/** The longest making phrase, in tokens. */
const MAX_SEQ = 2;

/** How many tokens from i the sequence covers, or 0. A run of four or more ideographs may lose or misread one (OCR reads 人 as >). */
function seqAt(tokens: Token[], i: number, s: Seq): number {
  const exact = matchFrom(tokens, i, s, -1, false);
  if (exact || s.length < 4 || !s.every((t) => t.form.length === 1)) return exact;
  for (let k = 0; k < s.length; k++) {
    const n = matchFrom(tokens, i, s, k, true) || matchFrom(tokens, i, s, k, false);
    if (n) return n;
  }
  return 0;
}

/** Matches s from token i; term `skip` is either any one token (`wild`) or absent. */
function matchFrom(tokens: Token[], i: number, s: Seq, skip: number, wild: boolean): number {
  let at = i;
  for (let k = 0; k < s.length; k++) {
    if (k === skip) {
      if (wild) at++;
      continue;
    }
    const tok = tokens[at];
    if (!tok || !fits(tok.s, s[k])) return 0;
    at++;
  }
  return at - i;
}

interface Hit {
  start: number;
  end: number;
}

function hitsOf(tokens: Token[], seqs: Seq[], from = 0, to = tokens.length): Hit[] {
  const out: Hit[] = [];
  for (let i = Math.max(0, from); i < Math.min(to, tokens.length); i++) {
    for (const s of seqs) {
      const n = seqAt(tokens, i, s);
      if (n) {
        out.push({ start: i, end: i + n });
        i += n - 1; // hits never overlap: the tail of 人工智能 is not a second, shorter hit
        break;
      }
    }
  }
  return out;
}

/**
 * The first disclosure phrase in one line of words (OCR's line, or a text's first or last
 * sentence). `confidence` per word (0–100) when OCR gives it; a lone short mark needs it high.
 */
export function matchDisclosure(words: readonly string[], confidence?: readonly number[]): DisclosureMatch | undefined {
  const tokens = tokenise(words);
  if (!tokens.length) return undefined;
  for (const language of ['kk', 'ru', 'en', 'zh'] as const) {
    const { ai, making } = LANGUAGES[language];
    for (const a of hitsOf(tokens, ai)) {
      // Making words are looked for only near an AI word: a long line without one costs one pass.
      for (const m of hitsOf(tokens, making, a.start - WINDOW - MAX_SEQ, a.end + WINDOW + 1)) {
        const gap = m.start >= a.end ? m.start - a.end : a.start - m.end;
        if (gap < 0 || gap > WINDOW) continue;
        // Chinese reads as one run: 人工智能生成, AI生成; the ideographs must touch.
        if (language === 'zh' && gap > 1) continue;
        if (language === 'en' && !englishOrder(tokens, a, m, gap)) continue;
        const first = Math.min(a.start, m.start);
        const last = Math.max(a.end, m.end) - 1;
        if (negated(tokens, first, last)) continue;
        return { language, start: tokens[first].word, end: tokens[last].word + 1, kind: 'phrase' };
      }
    }
  }
  return madeWithA(tokens) ?? shortMarkLine(tokens, confidence);
}

/**
 * «Made with AI» whose last letter OCR misread («Made with АГ», «… AV»): after an English
 * making word and a link word, A and a letter OCR reads for I is taken for AI.
 */
/** What OCR reads for a capital I at the end of a line (after folding: Г, Т, У…). */
const I_MISREAD = new Set(['г', 't', 'y', 'v', 'j', 'f', 'ӏ']);

function madeWithA(tokens: Token[]): DisclosureMatch | undefined {
  for (const m of hitsOf(tokens, LANGUAGES.en.making)) {
    const link = tokens[m.end];
    const ai = tokens[m.end + 1];
    if (link && ai && EN_LINKS.has(link.s) && ai.s.length === 2 && ai.s[0] === 'a' && I_MISREAD.has(ai.s[1]) && !negated(tokens, m.start, m.end + 1))
      return { language: 'en', start: tokens[m.start].word, end: ai.word + 1, kind: 'phrase' };
  }
  return undefined;
}

/** «not AI-generated», «не создано ИИ», «ЖИ жасаған емес», «不是人工智能生成»: a denial, not a warning. */
const NEGATIONS = new Set(['not', 'no', 'non', 'never', 'without', 'не', 'нет', 'без', 'емес', 'жоқ', '不', '非', '无', '没'].map((w) => tokenise([w])[0].s));

function negated(tokens: Token[], first: number, last: number): boolean {
  for (const i of [first - 1, first - 2, last + 1, last + 2]) if (tokens[i] && NEGATIONS.has(tokens[i].s)) return true;
  return false;
}

/** «AI-generated», «AI made»; or «Generated with AI», «made by artificial intelligence»: not «Made in Almaty … AI». */
function englishOrder(tokens: Token[], ai: Hit, making: Hit, gap: number): boolean {
  if (making.start >= ai.end) return gap === 0;
  return gap >= 1 && gap <= 3 && EN_LINKS.has(tokens[ai.start - 1].s);
}
const EN_LINKS = new Set(['with', 'by', 'using', 'via', 'from', 'of'].map((w) => tokenise([w])[0].s));

/** A line holding nothing but short marks: «ЖИ · ИИ», «ЖИ», «ИИ», «ЖИ · ИИ · AI». */
function shortMarkLine(tokens: Token[], confidence?: readonly number[]): DisclosureMatch | undefined {
  if (tokens.length > 4) return undefined;
  const marks: DisclosureLang[] = [];
  for (const tok of tokens) {
    const mark = SHORT_MARKS.find((m) => fits(tok.s, m.t));
    if (mark) marks.push(mark.language);
    else if (!fits(tok.s, AI_MARK)) return undefined;
  }
  if (!marks.length) return undefined;
  const distinct = new Set(tokens.map((t) => t.s)).size;
  if (distinct < 2) {
    const conf = confidence?.[tokens[0].word];
    if (tokens.length > 1 || conf === undefined || conf < LONE_MARK_CONFIDENCE) return undefined;
  }
  return { language: marks[0], start: tokens[0].word, end: tokens[tokens.length - 1].word + 1, kind: 'short-mark' };
}
