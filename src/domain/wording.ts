/** What the visible warning says, per language. Kazakh first: it is the state language. */
import type { Lang } from './vocabulary.js';

export { LANGS, type Lang, isLang } from './vocabulary.js';

export const DEFAULT_WORDING: Record<Lang, string> = {
  kk: 'ЖИ көмегімен жасалған',
  ru: 'Создано с помощью ИИ',
  en: 'Generated with AI',
};

/** The short mark for images too small for words ("ЖИ" / "ИИ" / "AI"). */
export const SHORT_MARK: Record<Lang, string> = { kk: 'ЖИ', ru: 'ИИ', en: 'AI' };

export const DEFAULT_LANGUAGES: Lang[] = ['kk', 'ru'];

/** Resolve the lines to show: one per requested language, custom text overriding the default. */
export function wordingFor(languages: Lang[], custom: Partial<Record<Lang, string>> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const lang of languages) out[lang] = (custom[lang] ?? DEFAULT_WORDING[lang]).trim();
  return out;
}

export function shortMarkFor(languages: Lang[]): string {
  return [...new Set(languages.map((l) => SHORT_MARK[l]))].join(' · ');
}
