/**
 * The Verify page's "read the visible warning in the picture" switch, in real Chromium: ticked
 * (the default) the pixels are read; unticked the request says ocr=false and the report comes
 * back with the visible layer unknown. Checked in kk and ru for sideways scroll, axe and
 * internal words.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import type { VerifyReport } from '../src/domain/report.js';
import { type RunningServer, startServer } from '../src/server.js';
import { checkState, launch } from './helpers/browser.js';
import { tempDir } from './helpers/context.js';

let srv: RunningServer;
let browser: Browser;
let page: Page;
let photo: Buffer;

beforeAll(async () => {
  const config = loadConfig({
    DATA_DIR: path.join(tempDir('labeller-verify-ocr-page-'), 'data'),
    PORT: '0',
    HOST: '127.0.0.1',
    ANON_VERIFY_PER_MINUTE: '0',
    LOG_LEVEL: 'warn',
    WATCH_ENABLED: 'false',
  } as NodeJS.ProcessEnv);
  srv = await startServer({ config, logStream: { write: () => true } as never });
  photo = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#6a8f5c' } })
    .jpeg()
    .toBuffer();
  browser = await launch();
  page = await (await browser.newContext()).newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await srv?.close();
});

/** Verifies the photo on the page; the report the service sent back (the page's request is not readable: a FormData stream). */
async function verifyOnPage(): Promise<VerifyReport> {
  const answered = page.waitForResponse((r) => r.url().includes('/api/v1/verify') && r.request().method() === 'POST');
  await page.setInputFiles('#file', { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: photo });
  const response = await answered;
  await page.locator('#report:not([hidden])').waitFor({ timeout: 60_000 });
  return (await response.json()) as VerifyReport;
}

it('reads the pixels by default, and not when the switch is off (ocr=false)', { timeout: 180_000 }, async () => {
  for (const lang of ['kk', 'ru'] as const) {
    await page.goto(`${srv.url}/verify.html`);
    if ((await page.evaluate(() => localStorage.getItem('labeller.lang'))) !== lang) await page.selectOption('#lang-select', lang);
    const box = page.locator('#read-pixels');
    await expect(box.isChecked()).resolves.toBe(true);

    const read = await verifyOnPage();
    expect(read.ocr).toMatchObject({ available: true, read: true });
    expect(read.compliance.visibleWarning).toBe(false);

    await box.uncheck();
    const skipped = await verifyOnPage();
    expect(skipped.ocr).toMatchObject({ read: false, reason: 'not-asked' });
    expect(skipped.compliance.visibleWarning).toBeNull();
    await checkState(page, 'verify-no-ocr', lang);
  }
});
