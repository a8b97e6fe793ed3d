/**
 * The Survival page in a real browser (kk, ru, en): with a key, a labelled picture and a
 * labelled text dropped in give the table of copies with thumbnails and a mark per layer;
 * every state is checked for WCAG 2.2 AA (axe-core), sideways scroll down to 320 px and
 * internal English codes on kk/ru pages.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startServer, type RunningServer } from '../src/server.js';
import { ARTIFACTS, checkState, launch } from './helpers/browser.js';
import { loadCatalogues, type Catalogue } from './helpers/catalogues.js';
import { tempDir } from './helpers/context.js';
import { kazakhText, photoLike } from './helpers/synthetic.js';

const KEY = 'browser-secret-0123456789';
const LANGS = ['kk', 'ru', 'en'] as const;
let CAT: Record<(typeof LANGS)[number], Catalogue>;
let srv: RunningServer;
let browser: Browser;
let page: Page;
const files: Record<string, Buffer> = {};
const problems: string[] = [];

async function labelled(bytes: Buffer, name: string): Promise<Buffer> {
  const fd = new FormData();
  fd.append('file', new Blob([new Uint8Array(bytes)]), name);
  const res = await fetch(`${srv.url}/api/v1/label`, { method: 'POST', body: fd, headers: { Authorization: `Bearer ${KEY}` } });
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

beforeAll(async () => {
  CAT = await loadCatalogues();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const config = loadConfig({
    DATA_DIR: path.join(tempDir('labeller-browser-survive-'), 'data'),
    PORT: '0',
    HOST: '127.0.0.1',
    API_KEYS: `desk:${KEY}`,
    RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'warn',
    WATCH_ENABLED: 'false',
  } as NodeJS.ProcessEnv);
  srv = await startServer({ config, logStream: { write: () => true } as never });
  files['сурет.jpg'] = await labelled(await photoLike(1200, 800, 3), 'сурет.jpg');
  files['мәтін.txt'] = await labelled(Buffer.from(kazakhText(400, 3)), 'мәтін.txt');
  browser = await launch();
  page = await (await browser.newContext({ viewport: { width: 1366, height: 900 } })).newPage();
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await srv?.close();
});

describe('Survival page', () => {
  for (const lang of LANGS) {
    it(`shows each copy with its thumbnail and a mark per layer, for a picture and a text (${lang})`, async () => {
      await page.goto(`${srv.url}/survive.html`);
      if ((await page.evaluate(() => localStorage.getItem('labeller.lang'))) !== lang) await page.selectOption('#lang-select', lang);
      expect(await page.locator('html').getAttribute('lang')).toBe(lang);
      expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe(CAT[lang]['nav.survive']);
      if (await page.locator('#key-input').isVisible()) {
        await page.fill('#key-input', KEY);
        await page.click('#key-save');
      }
      await page.waitForSelector('#key-state[data-state="accepted"]');
      await checkState(page, 'survive-empty', lang);

      await page.setInputFiles('#file', { name: 'сурет.jpg', mimeType: 'image/jpeg', buffer: files['сурет.jpg'] });
      await page.waitForSelector('#survival:not([hidden])', { timeout: 120_000 });
      const rows = page.locator('#copies-body tr');
      expect(await rows.count()).toBe(10); // the labelled file and nine copies
      expect(await page.locator('#copies-body tr[data-copy="telegram"] img').getAttribute('src')).toMatch(/^data:image\/jpeg;base64,/);
      expect(await page.locator('#copies-body tr[data-copy="telegram"] td[data-layer="record"] .badge.good').count()).toBe(1);
      expect(await page.locator('#copies-body tr[data-copy="telegram"] td[data-layer="c2pa"] .badge.bad').count()).toBe(1);
      expect(await page.locator('#copies-body tr[data-copy="telegram"] td:first-child').textContent()).toContain(CAT[lang]['survive.copy.telegram']);
      await checkState(page, 'survive-picture', lang);

      await page.setInputFiles('#file', { name: 'мәтін.txt', mimeType: 'text/plain', buffer: files['мәтін.txt'] });
      await page.waitForSelector('#copies-body tr[data-copy="plain-paste"]', { timeout: 120_000 });
      expect(await page.locator('#copies-body tr').count()).toBe(4);
      expect(await page.locator('#copies-body tr[data-copy="excerpt-50"] td[data-layer="record"] .badge.good').count()).toBe(1);
      await checkState(page, 'survive-text', lang);
      expect(problems).toEqual([]);
    }, 300_000);
  }
});
