/**
 * The profiles on the web pages, in real Chromium: the Label page offers the labelling rule
 * (cn turns the languages off and offers the propagator) and labels under it; the Verify page
 * shows every profile's verdict and what each misses, in Kazakh, Russian and English, with
 * no internal codes and no axe violation.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import type { VerifyReport } from '../src/domain/report.js';
import { findCjkFont } from '../src/label/font.js';
import { type RunningServer, startServer } from '../src/server.js';
import { ARTIFACTS, checkState, launch } from './helpers/browser.js';
import { type Catalogue, loadCatalogues } from './helpers/catalogues.js';
import { tempDir } from './helpers/context.js';

const KEY = 'profiles-secret-0123456789';
const LANGS = ['kk', 'ru', 'en'] as const;
let CAT: Record<(typeof LANGS)[number], Catalogue>;
let srv: RunningServer;
let browser: Browser;
let page: Page;
let photo: Buffer;
let labelled: Buffer;

beforeAll(async () => {
  CAT = await loadCatalogues();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const config = loadConfig({
    DATA_DIR: path.join(tempDir('labeller-profiles-pages-'), 'data'),
    PORT: '0',
    HOST: '127.0.0.1',
    API_KEYS: `desk:${KEY}`,
    RATE_LIMIT_PER_MINUTE: '0',
    ANON_VERIFY_PER_MINUTE: '0',
    LOG_LEVEL: 'warn',
    WATCH_ENABLED: 'false',
  } as NodeJS.ProcessEnv);
  srv = await startServer({ config, logStream: { write: () => true } as never });
  photo = await sharp({ create: { width: 960, height: 640, channels: 3, background: '#7fb2e5' } })
    .jpeg()
    .toBuffer();
  browser = await launch();
  page = await (await browser.newContext({ acceptDownloads: true })).newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await srv?.close();
});

async function open(pathname: string, lang: string): Promise<void> {
  await page.goto(`${srv.url}${pathname}`);
  if ((await page.evaluate(() => localStorage.getItem('labeller.lang'))) !== lang) await page.selectOption('#lang-select', lang);
}

describe.skipIf(!findCjkFont())('profiles on the pages', () => {
  it('the Label page offers the rule; cn turns the languages off, names a propagator and labels under GB 45438', async () => {
    await open('/', 'en');
    await page.fill('#key-input', KEY);
    await page.press('#key-input', 'Enter');
    await expect.poll(() => page.locator('#key-state').getAttribute('data-state'), { timeout: 10_000 }).toBe('accepted');
    expect(await page.locator('#profile option').allTextContents()).toEqual(['kz', 'eu', 'cn', 'us-ca'].map((p) => CAT.en[`profile.${p}`]));
    expect(await page.locator('#profile').inputValue()).toBe('kz');
    expect(await page.locator('#propagator-field').isHidden()).toBe(true);
    await page.selectOption('#profile', 'eu');
    expect(await page.locator('input[name=lang]:checked').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual(['en']);
    await page.selectOption('#profile', 'cn');
    expect(await page.locator('input[name=lang]').first().isDisabled()).toBe(true);
    expect(await page.locator('#propagator-field').isVisible()).toBe(true);
    await page.fill('#propagator', 'Steppe Wire');
    await page.setInputFiles('#files', { name: 'сурет.jpg', mimeType: 'image/jpeg', buffer: photo });
    await page.click('#label-go');
    await expect.poll(() => page.locator('.result[data-state=done]').count(), { timeout: 60_000 }).toBe(1);
    const [d] = await Promise.all([page.waitForEvent('download'), page.locator('button.download').first().click()]);
    labelled = fs.readFileSync((await d.path())!);
    const fd = new FormData();
    fd.append('file', new Blob([new Uint8Array(labelled)]), 'cn.jpg');
    const report = (await (await fetch(`${srv.url}/api/v1/verify`, { method: 'POST', body: fd })).json()) as VerifyReport;
    expect(report.profiles?.cn).toMatchObject({ compliant: true, missing: [] });
    expect(report.signals.find((s) => s.source === 'tc260')?.aigc).toMatchObject({ ContentPropagator: 'Steppe Wire' });
    await checkState(page, 'profiles-label', 'en');
  });

  it("the History page names the profile and the notice's language of a label", async () => {
    await open('/history.html', 'ru');
    await page.locator('#records-body tr[data-type=label]').first().waitFor({ timeout: 15_000 });
    await page.locator('#records-body tr[data-type=label] .details-btn').first().click();
    const details = page.locator('#records-body tr.details-row:not([hidden])');
    await details.waitFor();
    const text = (await details.textContent()) ?? '';
    expect(text).toContain(CAT.ru['profile.cn']);
    expect(text).toContain(CAT.ru['lang.zh']);
    await checkState(page, 'profiles-history', 'ru');
  });

  for (const lang of LANGS) {
    it(`the Verify page shows each profile's verdict and what it misses (${lang})`, async () => {
      await open('/verify.html', lang);
      await page.setInputFiles('#file', { name: 'cn.jpg', mimeType: 'image/jpeg', buffer: labelled });
      await page.locator('#report:not([hidden])').waitFor({ timeout: 30_000 });
      const lines = page.locator('#profiles li');
      expect(await lines.count()).toBe(4);
      const cn = await page.locator('#profiles li[data-profile=cn]').textContent();
      expect(cn).toBe(`${CAT[lang]['profile.cn']}: ${CAT[lang]['p.ok']}`);
      const usca = (await page.locator('#profiles li[data-profile=us-ca]').textContent()) ?? '';
      expect(usca.startsWith(`${CAT[lang]['profile.us-ca']}: ${CAT[lang]['p.notOk']}`)).toBe(true);
      // The missing item in the page's language, from the report's own words.
      const time = { kk: 'жасалған күні мен уақыты', ru: 'дата и время создания', en: 'the time and date of creation' }[lang];
      expect(usca).toContain(time);
      await checkState(page, 'profiles-verify', lang);
    });
  }
});
