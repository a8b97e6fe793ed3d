/**
 * The Verify page's source-protection warning in a real browser (kk, ru, en): the fixture
 * photo shows the personal data it carries, by kind, with a clean-copy button that downloads a
 * copy without it (read back by ExifTool); a clean file shows no warning. Each state is checked
 * like every page (WCAG 2.2 AA, no sideways scroll, no internal codes on kk/ru pages).
 */
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endExiftool, readTags } from '../src/provenance/exiftool.js';
import type { RunningServer } from '../src/server.js';
import { ARTIFACTS, checkState, launch } from './helpers/browser.js';
import { loadCatalogues, type Catalogue } from './helpers/catalogues.js';
import { fixture } from './helpers/context.js';
import { keyedServer } from './helpers/privacy.js';

const KEY = 'browser-privacy-0123456789';
const LANGS = ['kk', 'ru', 'en'] as const;
let CAT: Record<(typeof LANGS)[number], Catalogue>;
let srv: RunningServer;
let browser: Browser;
let page: Page;
const problems: string[] = [];
const photo = fixture('images', 'privacy-photo.jpg');

beforeAll(async () => {
  CAT = await loadCatalogues();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  srv = await keyedServer(`desk:${KEY}`, 'labeller-browser-privacy-');
  browser = await launch();
  page = await (await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true })).newPage();
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await srv?.close();
  await endExiftool();
});

async function open(lang: string): Promise<void> {
  await page.goto(`${srv.url}/verify.html`);
  if ((await page.evaluate(() => localStorage.getItem('labeller.lang'))) !== lang) await page.selectOption('#lang-select', lang);
  expect(await page.locator('html').getAttribute('lang')).toBe(lang);
}

describe('Verify page: personal data in an incoming file', () => {
  for (const lang of LANGS) {
    it(`warns, lists each kind in the page's language and offers a clean copy (${lang})`, async () => {
      await open(lang);
      await page.setInputFiles('#file', { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: photo });
      await page.waitForSelector('#privacy:not([hidden])', { timeout: 120_000 });
      const kinds = await page.locator('#privacy-list li').evaluateAll((li) => li.map((x) => (x as HTMLElement).dataset.kind));
      for (const k of ['location', 'serial-number', 'owner-name', 'embedded-preview', 'editing-history']) expect(kinds).toContain(k);
      expect(await page.locator('#privacy-list li[data-kind="location"] strong').first().textContent()).toContain(CAT[lang]['privacy.kind.location']);
      expect(await page.locator('#clean-btn').textContent()).toBe(CAT[lang]['privacy.clean']);
      await checkState(page, 'verify-privacy', lang);
    }, 180_000);
  }

  it('the clean-copy button downloads a copy without the personal data (with the key)', async () => {
    await open('en');
    await page.evaluate((k) => localStorage.setItem('labeller.apiKey', k), KEY);
    await page.setInputFiles('#file', { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: photo });
    await page.waitForSelector('#privacy:not([hidden])', { timeout: 120_000 });
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.click('#clean-btn')]);
    expect(download.suggestedFilename()).toBe('photo.clean.jpg');
    const bytes = fs.readFileSync((await download.path())!);
    const t = (await readTags(bytes, 'jpg')) as Record<string, unknown>;
    for (const tag of ['GPSLatitude', 'SerialNumber', 'OwnerName', 'ThumbnailImage', 'City']) expect(t[tag], tag).toBeUndefined();
    expect(String(t.Credit)).toBe('Example Agency');
    expect(await page.locator('#clean-msg').textContent()).toMatch(/Clean copy saved: \d+ fields removed/);
  }, 180_000);

  it('shows no warning for a file without personal data', async () => {
    await open('en');
    await page.setInputFiles('#file', { name: 'white.jpg', mimeType: 'image/jpeg', buffer: fixture('images', 'white.jpg') });
    await page.waitForSelector('#report:not([hidden])', { timeout: 120_000 });
    expect(await page.locator('#privacy').isHidden()).toBe(true);
    expect(problems).toEqual([]);
  }, 180_000);
});
