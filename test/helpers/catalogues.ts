/** The web pages' string catalogues (public/i18n/*.js, plain browser modules), loaded in Node. */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './context.js';

export type Catalogue = Record<string, string>;
export const PAGE_LANGS = ['kk', 'ru', 'en'] as const;
export type PageLang = (typeof PAGE_LANGS)[number];

export async function loadCatalogues(): Promise<Record<PageLang, Catalogue>> {
  const load = async (l: PageLang) => ((await import(pathToFileURL(path.join(ROOT, 'public', 'i18n', `${l}.js`)).href)) as { default: Catalogue }).default;
  return { kk: await load('kk'), ru: await load('ru'), en: await load('en') };
}
