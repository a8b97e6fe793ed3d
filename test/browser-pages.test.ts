/**
 * The web pages in real Chromium (Debian's /usr/bin/chromium through playwright-core),
 * against a real server: key, label, download, verify, language switch, escaping.
 * A screenshot of each page goes to test-artifacts/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Reader } from '@contentauth/c2pa-node';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import sharp from 'sharp';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startServer, type RunningServer } from '../src/server.js';
import { ROOT, tempDir } from './helpers/context.js';

const KEY = 'browser-secret-0123456789';
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
let srv: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let photo: Buffer;
let labelled: Buffer | undefined;
const problems: string[] = [];

async function c2paState(bytes: Buffer): Promise<string | undefined> {
  const reader = await Reader.fromAsset({ buffer: bytes, mimeType: 'image/jpeg' }, { verify: { remote_manifest_fetch: false } } as never);
  return reader?.json().validation_state;
}

const shot = (name: string) => page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });

beforeAll(async () => {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const config = loadConfig({ DATA_DIR: path.join(tempDir('labeller-browser-'), 'data'), PORT: '0', HOST: '127.0.0.1', API_KEYS: `desk:${KEY}`, LOG_LEVEL: 'warn', WATCH_ENABLED: 'false' } as NodeJS.ProcessEnv);
  srv = await startServer({ config, logStream: { write: () => true } as never });
  photo = await sharp({ create: { width: 900, height: 600, channels: 3, background: '#4a78a8' } }).jpeg().toBuffer();
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1200, height: 900 } });
  page = await context.newPage();
  // Any CSP violation or script error on our pages is a failure.
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
});

afterAll(async () => {
  await browser?.close();
  await srv?.close();
});

describe('web pages in Chromium', () => {
  it('labels an uploaded file with the key entered once, and downloads it signed', async () => {
    await page.goto(`${srv.url}/`);
    expect(await page.locator('html').getAttribute('lang')).toBe('kk');
    await page.getByLabel('API кілті').fill(KEY);
    await page.getByLabel('API кілті').press('Enter');
    await expect.poll(() => page.evaluate(() => sessionStorage.getItem('labeller.apiKey'))).toBe(KEY);
    await page.setInputFiles('#files', { name: 'сурет.jpg', mimeType: 'image/jpeg', buffer: photo });
    await page.check('input[name=lang][value=en]');
    await page.fill('#aiSystem', 'Midjourney');
    await page.click('#label-go');
    await page.locator('.status[data-state=done]').waitFor({ timeout: 30_000 });
    await page.locator('.compare figure:not([hidden]) img').nth(1).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button.download')]);
    expect(download.suggestedFilename()).toBe('сурет.jpg');
    labelled = fs.readFileSync(await download.path());
    expect(await c2paState(labelled)).toBe('Valid');
    await shot('label');
  });

  it('labels a batch and downloads it as one ZIP built in the page', async () => {
    const small = await sharp(photo).resize(450, 300).jpeg().toBuffer();
    await page.setInputFiles('#files', [
      { name: 'a.jpg', mimeType: 'image/jpeg', buffer: small },
      { name: 'b.jpg', mimeType: 'image/jpeg', buffer: small },
    ]);
    await page.click('#label-go');
    await expect.poll(() => page.locator('.status[data-state=done]').count(), { timeout: 30_000 }).toBe(3);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#zip-all')]);
    const entries = unzipSync(new Uint8Array(fs.readFileSync(await download.path())));
    expect(Object.keys(entries).sort()).toEqual(['a.jpg', 'b.jpg', 'сурет.jpg']);
    expect(await c2paState(Buffer.from(entries['b.jpg']))).toBe('Valid');
  });

  it('shows a readable verification report for the labelled file', async () => {
    expect(labelled).toBeDefined();
    await page.goto(`${srv.url}/verify.html`);
    await page.setInputFiles('#file', { name: 'labelled.jpg', mimeType: 'image/jpeg', buffer: labelled! });
    await page.locator('#report:not([hidden])').waitFor({ timeout: 30_000 });
    expect(await page.locator('#verdict').getAttribute('data-verdict')).toBe('compliant');
    expect((await page.locator('#summary').textContent())?.length).toBeGreaterThan(10);
    expect(await page.locator('#compliance').textContent()).toContain('21');
    expect(await page.locator('#facts').textContent()).toContain('Midjourney');
    await shot('verify');
  });

  it('switches language and remembers it', async () => {
    await page.selectOption('#lang-select', 'ru');
    expect(await page.locator('h1').textContent()).toBe('Проверка файла');
    expect(await page.locator('#verdict').textContent()).toBe('Маркировано правильно');
    await page.reload();
    expect(await page.locator('h1').textContent()).toBe('Проверка файла');
    await page.selectOption('#lang-select', 'en');
    expect(await page.locator('h1').textContent()).toBe('Verify a file');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
  });

  it('shows hostile strings from a manifest as text, never as markup', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    const fd = new FormData();
    fd.append('aiSystem', hostile);
    fd.append('title', hostile);
    fd.append('file', new Blob([new Uint8Array(photo)]), 'x.jpg');
    const res = await fetch(`${srv.url}/api/v1/label`, { method: 'POST', body: fd, headers: { Authorization: `Bearer ${KEY}` } });
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    await page.goto(`${srv.url}/verify.html`);
    await page.setInputFiles('#file', { name: '<b>x</b>.jpg', mimeType: 'image/jpeg', buffer: bytes });
    await page.locator('#report:not([hidden])').waitFor({ timeout: 30_000 });
    expect(await page.locator('#facts').textContent()).toContain(hostile);
    expect(await page.locator('#report img, #report script, #report b').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it('lists the record on the history page and renders the API page', async () => {
    await page.goto(`${srv.url}/history.html`);
    await page.click('#filters button[type=submit]');
    await page.locator('#records-body tr').first().waitFor();
    expect(await page.locator('#records-body tr').count()).toBeGreaterThanOrEqual(3);
    await shot('history');
    await page.goto(`${srv.url}/api.html`);
    await page.locator('.endpoint').first().waitFor();
    expect(await page.locator('#api-paths').textContent()).toContain('/api/v1/label');
    await shot('api');
  });

  it('every control has a label, focus is visible, and no page logged an error', async () => {
    for (const p of ['/', '/verify.html', '/history.html']) {
      await page.goto(`${srv.url}${p}`);
      const unlabelled = await page.evaluate(() =>
        [...document.querySelectorAll('input, select, textarea')].filter((e) => !(e as HTMLInputElement).labels?.length && !e.getAttribute('aria-label')).map((e) => e.id || e.outerHTML),
      );
      expect(unlabelled).toEqual([]);
    }
    await page.goto(`${srv.url}/`);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).not.toBe('none');
    expect(problems).toEqual([]);
  });
});
