/**
 * The Review page in real Chromium, in Kazakh and Russian: a reporter (labeller key) sends a
 * picture for review and cannot approve it (the service's 403 shown in the page's words); an
 * editor sees it before and after with its wording, AI system and prompt, approves it with the
 * reviewed wording, downloads it, and the download verifies with the review inside. A rejected
 * file offers no download and its output stays unreachable. Every state: no sideways scroll,
 * axe-core WCAG 2.2 AA, no internal codes on the page.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startServer, type RunningServer } from '../src/server.js';
import { ARTIFACTS, checkState, launch } from './helpers/browser.js';
import { loadCatalogues, type Catalogue } from './helpers/catalogues.js';
import { tempDir } from './helpers/context.js';

const EDITOR = 'editor-browser-secret-0123';
const REPORTER = 'reporter-browser-secret-0123';
type Lang = 'kk' | 'ru';
let CAT: Record<string, Catalogue>;
let srv: RunningServer;
let browser: Browser;
let page: Page;
let photo: Buffer;
const problems: string[] = [];

async function useKey(key: string): Promise<void> {
  if (await page.locator('#key-forget').isVisible()) await page.click('#key-forget');
  await page.fill('#key-input', key);
  await page.click('#key-save');
  await expect.poll(() => page.locator('#key-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('accepted');
}

async function open(lang: Lang): Promise<void> {
  await page.goto(`${srv.url}/review.html`);
  if ((await page.evaluate(() => localStorage.getItem('labeller.lang'))) !== lang) await page.selectOption('#lang-select', lang);
  expect(await page.locator('html').getAttribute('lang')).toBe(lang);
}

async function send(name: string, ai: string, prompt: string, lang: Lang): Promise<string> {
  await page.setInputFiles('#send-file', { name, mimeType: 'image/jpeg', buffer: photo });
  await page.fill('#send-ai', ai);
  await page.fill('#send-prompt', prompt);
  await page.click('#send-button');
  await expect
    .poll(async () => `${await page.locator('#send-status').textContent()}${await page.locator('#send-msg').textContent()}`, { timeout: 30_000 })
    .toBe(CAT[lang]['review.send.done'].replace('{name}', name));
  const item = page.locator('#pending li', { hasText: name });
  await item.waitFor();
  return (await item.getAttribute('data-job'))!;
}

beforeAll(async () => {
  CAT = await loadCatalogues();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const config = loadConfig({
    DATA_DIR: path.join(tempDir('labeller-browser-review-'), 'data'),
    PORT: '0',
    HOST: '127.0.0.1',
    API_KEYS: `desk:${EDITOR}:editor,reporter:${REPORTER}`,
    RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'warn',
    WATCH_ENABLED: 'false',
  } as NodeJS.ProcessEnv);
  srv = await startServer({ config, logStream: { write: () => true } as never });
  const svg = Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" width="900" height="600"><rect width="900" height="600" fill="#7fb2e5"/><circle cx="650" cy="170" r="80" fill="#ffd24a"/><path d="M0 480 L300 280 L560 460 L900 300 L900 600 L0 600 Z" fill="#3d6b4f"/></svg>',
  );
  photo = await sharp(svg).jpeg({ quality: 88 }).toBuffer();
  browser = await launch();
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1366, height: 900 } });
  page = await context.newPage();
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
});

afterAll(async () => {
  await browser?.close();
  await srv?.close();
});

describe('Review page', () => {
  for (const lang of ['kk', 'ru'] as const) {
    it(`${lang}: a reporter sends, an editor approves with the reviewed wording, the download verifies with the review inside`, async () => {
      const t = CAT[lang];
      const name = lang === 'kk' ? 'дала.jpg' : 'степь.jpg';
      await open(lang);
      await useKey(REPORTER);
      const id = await send(name, 'Midjourney', 'steppe at dawn', lang);
      await checkState(page, 'review-sent', lang);

      // The reporter's key is a labeller's: the service refuses the approval, the page says so in its words.
      const mine = page.locator(`#pending li[data-job="${id}"]`);
      await mine.locator('button.approve').click();
      await expect.poll(() => mine.locator('.row-msg').textContent(), { timeout: 15_000 }).toContain(t['err.role_required']);

      await useKey(EDITOR);
      const item = page.locator(`#pending li[data-job="${id}"]`);
      await item.waitFor();
      // Before and after as pictures, the wording, AI system and prompt.
      await expect
        .poll(() => item.locator('img').evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).naturalWidth > 0).length), { timeout: 15_000 })
        .toBe(2);
      const text = (await item.textContent()) ?? '';
      for (const s of ['Midjourney', 'steppe at dawn', 'ЖИ көмегімен жасалған', 'Создано с помощью ИИ']) expect(text).toContain(s);
      await checkState(page, 'review-pending', lang);

      await item.locator('input[value="reviewed"]').check();
      await item.locator('input[id^="name-"]').fill(lang === 'kk' ? 'Айгерім Сәрсенова' : 'Анна Петрова');
      await item.locator('button.approve').click();
      await expect.poll(() => page.locator('#pending-status').textContent(), { timeout: 30_000 }).toBe(t['review.done.approved'].replace('{name}', name));
      const done = page.locator(`#decided li[data-job="${id}"]`);
      await done.waitFor();
      expect(await done.locator('.badge').textContent()).toBe(t['review.state.approved']);
      await checkState(page, 'review-approved', lang);

      const [d] = await Promise.all([page.waitForEvent('download'), done.locator('button.download').click()]);
      expect(d.suggestedFilename()).toBe(name.replace('.jpg', '.labelled.jpg'));
      const bytes = fs.readFileSync((await d.path())!);
      const fd = new FormData();
      fd.append('file', new Blob([new Uint8Array(bytes)]), name);
      fd.append('ocr', 'false');
      const report = await (await fetch(`${srv.url}/api/v1/verify`, { method: 'POST', body: fd })).json();
      expect(report.c2pa.state).toBe('valid');
      expect(report.compliance.compliant).toBe(true);
      expect(report.review).toMatchObject({ reviewer: 'desk', decision: 'approved', signer: 'own' });
      expect(report.review.wording.kk).toBe('ЖИ көмегімен жасалған, редакция тексерген');
      expect(report.summary[lang]).toContain(lang === 'kk' ? 'Редакция' : 'Проверено редакцией');
    });
  }

  it('kk: with REVIEW_REQUIRED the Label page says the file is held and points to the Review page', async () => {
    const held = await startServer({
      config: loadConfig({
        DATA_DIR: path.join(tempDir('labeller-browser-held-'), 'data'),
        PORT: '0',
        HOST: '127.0.0.1',
        API_KEYS: `reporter:${REPORTER}`,
        REVIEW_REQUIRED: 'true',
        LOG_LEVEL: 'warn',
        WATCH_ENABLED: 'false',
      } as NodeJS.ProcessEnv),
      logStream: { write: () => true } as never,
    });
    try {
      await page.goto(`${held.url}/`);
      if ((await page.evaluate(() => localStorage.getItem('labeller.lang'))) !== 'kk') await page.selectOption('#lang-select', 'kk');
      await page.fill('#key-input', REPORTER);
      await page.click('#key-save');
      await expect.poll(() => page.locator('#key-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('accepted');
      await page.setInputFiles('#files', { name: 'ұсталған.jpg', mimeType: 'image/jpeg', buffer: photo });
      await page.click('#label-go');
      const row = page.locator('.result[data-state=held]');
      await row.waitFor({ timeout: 30_000 });
      expect(await row.locator('.status').textContent()).toBe(CAT.kk['status.held']);
      expect(await row.locator('a[href="/review.html"]').textContent()).toBe(CAT.kk['status.heldNote']);
      expect(await row.locator('button.download').count()).toBe(0);
      await checkState(page, 'label-held', 'kk');
    } finally {
      await held.close();
    }
  });

  it('ru: a rejected file offers no download, and its output is unreachable', async () => {
    const t = CAT.ru;
    await open('ru');
    await useKey(EDITOR);
    const id = await send('отказ.jpg', 'DALL·E', 'не тот кадр', 'ru');
    const item = page.locator(`#pending li[data-job="${id}"]`);
    await item.locator('button.reject').click();
    await expect.poll(() => item.locator('.row-msg').textContent()).toBe(t['review.reasonNeeded']);
    await item.locator('textarea').fill('Кадр не соответствует тексту');
    await item.locator('button.reject').click();
    const done = page.locator(`#decided li[data-job="${id}"]`);
    await done.waitFor();
    expect(await done.locator('.badge').textContent()).toBe(t['review.state.rejected']);
    expect(await done.textContent()).toContain('Кадр не соответствует тексту');
    expect(await done.locator('button.download').count()).toBe(0);
    await checkState(page, 'review-rejected', 'ru');
    const res = await fetch(`${srv.url}/api/v1/jobs/${id}/output`, { headers: { Authorization: `Bearer ${EDITOR}` } });
    expect(res.status).toBe(409);
    expect(problems).toEqual([]);
  });
});
