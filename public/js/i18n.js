// The string catalogues (one file per language in /i18n/) and the formats of the page's
// language: dates with Intl.DateTimeFormat (kk-KZ, ru-RU, en-GB), sizes with Intl.NumberFormat.
import en from '/i18n/en.js';
import kk from '/i18n/kk.js';
import ru from '/i18n/ru.js';

export const LANGS = ['kk', 'ru', 'en'];
export const CATALOGUES = { kk, ru, en };
export const LOCALES = { kk: 'kk-KZ', ru: 'ru-RU', en: 'en-GB' };

/** True when the catalogue has a string for this key (so a code can fall back to a generic one). */
export function has(key) {
  return Object.hasOwn(en, key);
}

/** The string for `key` in `lang`, with {name} placeholders filled from `vars` (as text). */
export function t(key, lang, vars) {
  const table = CATALOGUES[lang] ?? en;
  const s = Object.hasOwn(table, key) ? table[key] : Object.hasOwn(en, key) ? en[key] : key;
  if (!vars) return s;
  return s.replace(/\{(\w+)\}/g, (m, name) => (Object.hasOwn(vars, name) ? String(vars[name]) : m));
}

/**
 * A date and time in the page's language, or '' for a value that is not a date. Browsers whose
 * ICU data lacks a language's month names (Chromium has none for Kazakh: "2026 M11 27") get the
 * catalogue's names and pattern instead; the numbers still come from Intl.
 */
export function fmtDate(iso, lang) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const locale = LOCALES[lang] ?? 'en-GB';
  if (!/^M\d/.test(new Intl.DateTimeFormat(locale, { month: 'short' }).format(d))) {
    return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
  }
  const part = (o) => new Intl.DateTimeFormat(locale, o).format(d);
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(d);
  return t('date.pattern', lang, {
    year: part({ year: 'numeric' }).replace(/\D/g, ''),
    day: part({ day: 'numeric' }).replace(/\D/g, ''),
    month: t(`month.${d.getMonth() + 1}`, lang),
    time,
  });
}

/** 52428800 → "50 MB" / "50 МБ" (binary megabytes, as MAX_UPLOAD_BYTES is set); the unit from the catalogue. */
export function fmtBytes(bytes, lang) {
  return t('unit.bytes', lang, { n: new Intl.NumberFormat(LOCALES[lang] ?? 'en-GB').format(bytes) });
}

export function fmtSize(bytes, lang) {
  const mb = bytes / (1024 * 1024);
  const [key, n] = mb >= 1 ? ['unit.mb', mb] : ['unit.kb', Math.max(bytes / 1024, 0.1)];
  return t(key, lang, { n: new Intl.NumberFormat(LOCALES[lang] ?? 'en-GB', { maximumFractionDigits: 1 }).format(n) });
}
