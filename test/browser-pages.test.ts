/**
 * The web pages in real Chromium (Debian's /usr/bin/chromium through playwright-core) against
 * one real server, as newsroom staff use them, in Kazakh, Russian and English: label pictures
 * and texts (.txt, .md, .html) in a batch with a ZIP, verify our output, a foreign C2PA file,
 * an unlabelled photo and a tampered copy, read and filter the history, read the API page.
 * Every page state is checked at 1366 and 390 px (no sideways scroll, axe-core WCAG 2.2 AA,
 * no internal English codes on kk/ru pages) and photographed into test-artifacts/.
 * Downloaded files are verified by the service itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startServer, type RunningServer } from '../src/server.js';
import { ARTIFACTS, checkState, launch, shotOf } from './helpers/browser.js';
import { loadCatalogues, type Catalogue } from './helpers/catalogues.js';
import { PEER_FIXTURES, tempDir } from './helpers/context.js';

const KEY = 'browser-secret-0123456789';
const LIMIT = 6 * 1024 * 1024;
const LANGS = ['kk', 'ru', 'en'] as const;
type Lang = (typeof LANGS)[number];
let CAT: Record<Lang, Catalogue>;
const t = (lang: Lang, key: string) => CAT[lang][key];

let srv: RunningServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let photo: Buffer;
/** A different picture, never labelled here (a near copy of a labelled one would be traced by the record). */
let otherPhoto: Buffer;
const texts: Record<string, Buffer> = {};
/** The labelled picture downloaded from the Label page (per language), verified later. */
const labelledPhotos: Buffer[] = [];
const problems: string[] = [];

async function restVerify(bytes: Buffer, name: string): Promise<{ compliance: { compliant: boolean }; c2pa: { state: string } }> {
  const fd = new FormData();
  fd.append('file', new Blob([new Uint8Array(bytes)]), name);
  const res = await fetch(`${srv.url}/api/v1/verify`, { method: 'POST', body: fd });
  expect(res.status).toBe(200);
  return res.json();
}

async function open(pathname: string, lang: Lang): Promise<void> {
  await page.goto(`${srv.url}${pathname}`);
  if ((await page.evaluate(() => localStorage.getItem('labeller.lang'))) !== lang) await page.selectOption('#lang-select', lang);
  expect(await page.locator('html').getAttribute('lang')).toBe(lang);
}

async function download(click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [d] = await Promise.all([page.waitForEvent('download'), click()]);
  return { name: d.suggestedFilename(), bytes: fs.readFileSync((await d.path())!) };
}

beforeAll(async () => {
  CAT = await loadCatalogues();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const config = loadConfig({
    DATA_DIR: path.join(tempDir('labeller-browser-'), 'data'),
    PORT: '0',
    HOST: '127.0.0.1',
    API_KEYS: `desk:${KEY}`,
    MAX_UPLOAD_BYTES: String(LIMIT),
    RATE_LIMIT_PER_MINUTE: '0',
    ANON_VERIFY_PER_MINUTE: '0',
    LOG_LEVEL: 'warn',
    WATCH_ENABLED: 'false',
  } as NodeJS.ProcessEnv);
  srv = await startServer({ config, logStream: { write: () => true } as never });
  // A photo-like picture: gradients and shapes, so the warning and the thumbnails are visible.
  const svg = Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" width="960" height="640"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#7fb2e5"/><stop offset="1" stop-color="#f3d9a4"/></linearGradient></defs><rect width="960" height="640" fill="url(#g)"/><circle cx="700" cy="180" r="90" fill="#ffd24a"/><path d="M0 520 L260 300 L480 500 L700 330 L960 540 L960 640 L0 640 Z" fill="#3d6b4f"/></svg>',
  );
  photo = await sharp(svg).jpeg({ quality: 88 }).toBuffer();
  otherPhoto = await sharp(
    Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><rect width="800" height="600" fill="#2b3a55"/><rect x="80" y="90" width="300" height="420" fill="#e8b04b"/><circle cx="560" cy="300" r="170" fill="#c0392b"/></svg>',
    ),
  )
    .jpeg({ quality: 88 })
    .toBuffer();
  texts['мәтін.txt'] = Buffer.from('Бүгін Алматыда жаңбыр жауады.\nЕртең күн ашық болады.\n');
  texts['мақала.md'] = Buffer.from('# Қала жаңалықтары\n\nБүгін Алматыда жаңбыр жауады.\n');
  texts['бет.html'] = Buffer.from(
    '<!doctype html><html lang="kk"><head><meta charset="utf-8"><title>Жаңалық</title></head><body><p>Бүгін Алматыда жаңбыр жауады.</p></body></html>\n',
  );
  browser = await launch();
  context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1366, height: 900 } });
  page = await context.newPage();
  // Any CSP violation or script error on our pages is a failure.
  // (A refused request is logged by Chromium as "Failed to load resource"; the tests cause some on purpose.)
  page.on('console', (m) => m.type() === 'error' && !m.text().startsWith('Failed to load resource') && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
});

afterAll(async () => {
  await browser?.close();
  await srv?.close();
});

describe('Label page', () => {
  it('asks for the key only on Label and History, in a compact header, with a real skip link', async () => {
    await open('/', 'kk');
    expect(await page.locator('#key-input').count()).toBe(1);
    expect((await page.locator('.skip').textContent())?.trim()).toBe(t('kk', 'skip'));
    for (const p of ['/verify.html', '/api.html']) {
      await page.goto(`${srv.url}${p}`);
      expect(await page.locator('#key-input').count()).toBe(0);
    }
    await page.setViewportSize({ width: 320, height: 800 });
    for (const p of ['/', '/verify.html', '/history.html', '/api.html']) {
      await page.goto(`${srv.url}${p}`);
      const { scroll, inner, header } = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        inner: innerWidth,
        header: document.querySelector('header')!.getBoundingClientRect().height,
      }));
      expect(scroll, p).toBeLessThanOrEqual(inner);
      expect(header, p).toBeLessThan(130);
    }
    await page.setViewportSize({ width: 1366, height: 900 });
  });

  it('shows the development-identity banner and offers each placement once, per file type', async () => {
    await open('/', 'kk');
    await expect.poll(() => page.locator('#dev-banner').isVisible()).toBe(true);
    expect(await page.locator('#dev-banner').textContent()).toContain(t('kk', 'banner.dev.title'));
    const imagePlaces = await page.locator('#placement-image option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(imagePlaces.sort()).toEqual(['band-bottom', 'band-top', 'corner-bottom-left', 'corner-bottom-right', 'corner-top-left', 'corner-top-right']);
    expect(await page.locator('#placement-text option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['start', 'end']);
    // Source types by their IPTC names in the page's language.
    expect(await page.locator('#sourceType option').first().textContent()).toBe(t('kk', 'src.trainedAlgorithmicMedia'));
    await checkState(page, 'label-empty', 'kk');
  });

  for (const lang of LANGS) {
    it(`labels a picture, a .txt, a .md and an .html in one batch (${lang}): before/after, badges, record time, downloads that verify, ZIP`, async () => {
      await open('/', lang);
      if (lang === 'kk') {
        await page.fill('#key-input', KEY);
        await page.press('#key-input', 'Enter');
      }
      // The key is kept for every tab of the site: a page opened later finds it.
      await expect.poll(() => page.locator('#key-state').getAttribute('data-state'), { timeout: 10_000 }).toBe('accepted');
      const files = [
        { name: 'сурет.jpg', mimeType: 'image/jpeg', buffer: photo },
        ...Object.entries(texts).map(([name, buffer]) => ({ name, mimeType: 'text/plain', buffer })),
      ];
      await page.setInputFiles('#files', files);
      // Chosen names are a plain list, not an alert.
      expect(await page.locator('#chosen li').count()).toBe(4);
      expect((await page.locator('#form-msg').textContent())?.trim()).toBe('');
      if (lang === 'ru') await page.selectOption('#placement-text', 'end');
      if (lang === 'en') await page.selectOption('#placement-image', 'band-bottom');
      await page.fill('#aiSystem', 'Midjourney');
      await page.click('#label-go');
      // Focus goes to the results, never to the page's body, while the batch runs.
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('results-h');
      await expect.poll(() => page.locator('.result[data-state=done]').count(), { timeout: 60_000 }).toBe(4);
      await page.locator('.result .facts dt').nth(0).waitFor();
      await expect.poll(() => page.locator('.compare figure:not([hidden]) :is(img, pre)').count(), { timeout: 10_000 }).toBe(8);
      // A text's before and after are text, the notice marked.
      expect(await page.locator('.result').nth(1).locator('pre.text-preview').count()).toBe(2);
      expect(await page.locator('.result').nth(1).locator('mark').count()).toBeGreaterThan(0);
      expect(await page.locator('.result .badge.trust').first().textContent()).toBe(t(lang, 'trust.development'));
      expect(await page.locator('.result').first().locator('dt').first().textContent()).toBe(t(lang, 'f.recordTime'));
      const when = (await page.locator('.result').first().locator('dd').first().textContent()) ?? '';
      expect(when).toContain(t(lang, 'f.recordTimeNote'));
      if (lang === 'kk') expect(when).toMatch(/\d{4} ж\. \d{1,2} [а-яәғқңөұүһі]+\./);
      if (lang === 'ru') expect(when).toMatch(/\d{1,2} [а-я]+\.? \d{4} г\./);
      await checkState(page, 'label-done', lang);
      if (lang === 'en') await shotOf(page, '.result:nth-child(-n+2)', 'readme-label');

      // Each download is name.labelled.ext and verifies as properly labelled.
      const names = ['сурет.labelled.jpg', 'мәтін.labelled.txt', 'мақала.labelled.md', 'бет.labelled.html'];
      for (let i = 0; i < 4; i++) {
        const d = await download(() => page.locator('button.download').nth(i).click());
        expect(d.name).toBe(names[i]);
        const report = await restVerify(d.bytes, d.name);
        expect({ name: d.name, state: report.c2pa.state, compliant: report.compliance.compliant }).toEqual({ name: d.name, state: 'valid', compliant: true });
        if (i === 0) labelledPhotos.push(d.bytes);
      }
      const zip = await download(() => page.click('#zip-all'));
      const entries = unzipSync(new Uint8Array(zip.bytes));
      expect(Object.keys(entries).sort()).toEqual([...names].sort());
      expect((await restVerify(Buffer.from(entries['мақала.labelled.md']), 'мақала.labelled.md')).compliance.compliant).toBe(true);
    });
  }

  it('keeps the key for a new tab of the site, and forgets it on request', async () => {
    const other = await context.newPage();
    await other.goto(`${srv.url}/history.html`);
    await expect.poll(() => other.locator('#key-state').getAttribute('data-state'), { timeout: 10_000 }).toBe('accepted');
    await other.close();
  });

  it('waits as long as a busy or rate-limited service asks, then labels the file', async () => {
    await open('/', 'kk');
    await page.evaluate((k) => localStorage.setItem('labeller.apiKey', k), KEY);
    await page.reload();
    let calls = 0;
    await page.route('**/api/v1/label', (route) => {
      calls++;
      if (calls > 1) return route.continue();
      return route.fulfill({
        status: 429,
        headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '1' },
        body: JSON.stringify({ type: 'about:blank#rate_limited', title: 'Too many requests', status: 429, code: 'rate_limited', detail: 'Too many requests.' }),
      });
    });
    await page.setInputFiles('#files', { name: 'кезек.jpg', mimeType: 'image/jpeg', buffer: photo });
    await page.click('#label-go');
    await expect.poll(() => page.locator('.result').first().getAttribute('data-state'), { timeout: 10_000 }).toBe('waiting');
    expect(await page.locator('.result .row-msg').first().textContent()).toContain(t('kk', 'err.rate_limited'));
    await expect.poll(() => page.locator('.result').first().getAttribute('data-state'), { timeout: 30_000 }).toBe('done');
    expect(calls).toBe(2);
    await page.unroute('**/api/v1/label');
  });

  it('refuses what it cannot send, in the page language, and keeps the files when the key is refused', async () => {
    await open('/', 'ru');
    const sent: string[] = [];
    page.on('request', (r) => r.method() === 'POST' && sent.push(r.url()));
    // No language ticked: said next to the languages, nothing sent.
    await page.setInputFiles('#files', { name: 'сурет.jpg', mimeType: 'image/jpeg', buffer: photo });
    for (const l of ['kk', 'ru']) await page.uncheck(`input[name=lang][value=${l}]`);
    await page.click('#label-go');
    expect(await page.locator('#lang-error').isVisible()).toBe(true);
    expect(await page.locator('#lang-error').textContent()).toBe(t('ru', 'opt.languagesNone'));
    expect(sent).toEqual([]);
    await page.check('input[name=lang][value=kk]');
    await page.check('input[name=lang][value=ru]');

    // Too large: checked in the page against the service's limit, which is stated; never uploaded.
    expect(await page.locator('#limit-note').textContent()).toMatch(/до 6\sМБ/);
    await page.setInputFiles('#files', [
      { name: 'большой.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(LIMIT + 1024, 1) },
      { name: 'пустой.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(0) },
    ]);
    await page.click('#label-go');
    await expect.poll(() => page.locator('.result[data-state=failed]').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
    const rows = page.locator('.result[data-state=failed]');
    const tooBig = rows.nth(0);
    // 6 MB + 1 KB and 6 MB round alike: the message gives both in bytes.
    expect(await tooBig.locator('.row-msg').textContent()).toMatch(/6\s292\s480\sбайт.*6\s291\s456\sбайт/);
    expect(sent.filter((u) => u.endsWith('/api/v1/label'))).toHaveLength(1); // only the empty file went out
    // The service's code is translated; its English sentence stays under "technical details".
    const empty = rows.nth(1);
    expect(await empty.locator('.row-msg > .problem > span').first().textContent()).toBe(t('ru', 'err.empty_input'));
    expect(await empty.locator('details.tech').getAttribute('open')).toBeNull();
    // The progress bar of a failed file is red, not the accent colour.
    expect(await empty.locator('progress').evaluate((p) => getComputedStyle(p).accentColor)).toBe('rgb(179, 38, 30)');
    await checkState(page, 'label-errors', 'ru');

    // A refused key: the files stay chosen, the page says the key was not accepted.
    await page.evaluate(() => localStorage.setItem('labeller.apiKey', 'not-the-key-0000000000'));
    await page.setInputFiles('#files', [
      { name: 'a.jpg', mimeType: 'image/jpeg', buffer: photo },
      { name: 'b.jpg', mimeType: 'image/jpeg', buffer: photo },
    ]);
    await page.click('#label-go');
    await expect.poll(() => page.locator('#key-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('rejected');
    expect(await page.locator('#key-state').textContent()).toBe(t('ru', 'key.rejected'));
    expect(await page.locator('#chosen li').count()).toBe(2);
    expect(await page.locator('#form-msg').textContent()).toContain('2');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('key-input');
    await page.fill('#key-input', KEY);
    await page.press('#key-input', 'Enter');
    await expect.poll(() => page.locator('#key-state').getAttribute('data-state'), { timeout: 10_000 }).toBe('accepted');
    await page.click('#label-go');
    await expect.poll(() => page.locator('#chosen li').count(), { timeout: 30_000 }).toBe(0);
    page.removeAllListeners('request');
  });
});

describe('Verify page', () => {
  /** Bytes of the labelled picture changed after signing: the hard binding breaks. */
  const tampered = () => {
    const b = Buffer.from(labelledPhotos[0]);
    for (let i = b.length - 3000; i < b.length - 2900; i++) b[i] ^= 0x5a;
    return b;
  };

  const cases = (): { name: string; file: string; bytes: () => Buffer; verdict: string }[] => [
    { name: 'ours', file: 'сурет.labelled.jpg', bytes: () => labelledPhotos[0], verdict: 'compliant' },
    { name: 'foreign', file: 'CA.jpg', bytes: () => fs.readFileSync(path.join(PEER_FIXTURES, 'CA.jpg')), verdict: 'unknown' },
    { name: 'unlabelled', file: 'фото.jpg', bytes: () => otherPhoto, verdict: 'unknown' },
    { name: 'tampered', file: 'көшірме.jpg', bytes: tampered, verdict: 'invalid' },
  ];

  for (const lang of LANGS) {
    it(`shows the file, verdict, signer, advice, actions and chain for our output, a foreign C2PA file, an unlabelled photo and a tampered copy (${lang})`, async () => {
      await open('/verify.html', lang);
      await checkState(page, 'verify-empty', lang);
      for (const c of cases()) {
        await page.setInputFiles('#file', { name: c.file, mimeType: 'image/jpeg', buffer: c.bytes() });
        await page.locator('#report:not([hidden])').waitFor({ timeout: 30_000 });
        await expect.poll(() => page.locator('#report-file').textContent()).toBe(c.file);
        expect(await page.locator('#verdict').getAttribute('data-verdict'), c.name).toBe(c.verdict);
        expect(await page.locator('#verdict').textContent()).toBe(t(lang, `verdict.${c.verdict}`));
        await page.locator('#preview-frame img').waitFor();
        if (c.name === 'ours') {
          expect(await page.locator('#trust').getAttribute('data-trust')).toBe('development');
          expect(await page.locator('#advice').textContent()).toBe(t(lang, 'advice.compliantDev'));
          // The warning's recorded region is outlined on the picture, inside it.
          await page.locator('#preview-frame .region').waitFor();
          const [frame, region] = await Promise.all([page.locator('#preview-frame img').boundingBox(), page.locator('#preview-frame .region').boundingBox()]);
          expect(region!.x).toBeGreaterThanOrEqual(frame!.x - 1);
          expect(region!.y + region!.height).toBeLessThanOrEqual(frame!.y + frame!.height + 1);
          expect(await page.locator('#manifest-thumb').isVisible()).toBe(true);
          expect(await page.locator('#facts').textContent()).toContain('Midjourney');
          expect(await page.locator('#facts').textContent()).toContain(t(lang, 'f.labelledAt'));
          expect(await page.locator('#actions li').first().textContent()).toContain(t(lang, 'action.c2pa.created'));
        }
        if (c.name === 'foreign') {
          expect(await page.locator('#trust').getAttribute('data-trust')).toBe('untrusted');
          expect(await page.locator('#facts').textContent()).toContain(t(lang, 'f.signedAt'));
          // The chain as a tree: this file, and the file it was made from, each with its thumbnail and state.
          expect(await page.locator('#chain details').count()).toBe(2);
          expect(await page.locator('#chain img.thumb').count()).toBe(2);
          expect(await page.locator('#chain ul summary').textContent()).toContain(t(lang, 'rel.parentOf'));
          await page.locator('#chain ul summary').click();
          expect(await page.locator('#chain ul details').getAttribute('open')).toBeNull();
          await page.locator('#chain ul summary').click();
        }
        if (c.name === 'unlabelled') {
          expect(await page.locator('#trust').isVisible()).toBe(false);
          expect(await page.locator('#advice').textContent()).toBe(t(lang, 'advice.unknown'));
          expect(await page.locator('#chain').textContent()).toBe(t(lang, 'chain.none'));
        }
        if (c.name === 'tampered') {
          expect(await page.locator('#advice').textContent()).toBe(t(lang, 'advice.invalid'));
          expect(await page.locator('#chain [data-state=invalid]').count()).toBeGreaterThan(0);
          expect(await page.locator('#preview-frame .region').count()).toBe(0);
        }
        await checkState(page, `verify-${c.name}`, lang);
      }
    });
  }

  it("draws the whole chain of a picture labelled from a C2PA original: ours, its parent and the parent's own", async () => {
    const fd = new FormData();
    fd.append('aiSystem', 'Firefly');
    fd.append('file', new Blob([new Uint8Array(fs.readFileSync(path.join(PEER_FIXTURES, 'CA.jpg')))]), 'CA.jpg');
    const res = await fetch(`${srv.url}/api/v1/label`, { method: 'POST', body: fd, headers: { Authorization: `Bearer ${KEY}` } });
    expect(res.status).toBe(200);
    await open('/verify.html', 'en');
    await page.setInputFiles('#file', { name: 'CA.labelled.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(await res.arrayBuffer()) });
    await page.locator('#report:not([hidden])').waitFor({ timeout: 30_000 });
    await page.locator('#preview-frame .region').waitFor();
    expect(await page.locator('#verdict').getAttribute('data-verdict')).toBe('compliant');
    // Three levels, each with its thumbnail: this file, CA.jpg (its parent), A.jpg (CA.jpg's parent).
    expect(await page.locator('#chain details').count()).toBe(3);
    expect(await page.locator('#chain img.thumb').count()).toBe(3);
    expect(await page.locator('#chain ul ul summary .node-title bdi').textContent()).toBe('A.jpg');
    expect(await page.locator('#actions').textContent()).toContain(t('en', 'action.c2pa.opened'));
    expect(await page.locator('#facts').textContent()).toContain('Firefly');
    await checkState(page, 'verify-chain', 'en');
    await shotOf(page, '#report', 'readme-verify');
  });

  it('shows a labelled text as text, its notice marked, and its verdict (ru)', async () => {
    const fd = new FormData();
    fd.append('placement', 'end');
    fd.append('file', new Blob([new Uint8Array(texts['мақала.md'])]), 'мақала.md');
    const res = await fetch(`${srv.url}/api/v1/label`, { method: 'POST', body: fd, headers: { Authorization: `Bearer ${KEY}` } });
    expect(res.status).toBe(200);
    await open('/verify.html', 'ru');
    await page.setInputFiles('#file', { name: 'мақала.labelled.md', mimeType: 'text/markdown', buffer: Buffer.from(await res.arrayBuffer()) });
    await page.locator('#report:not([hidden])').waitFor({ timeout: 30_000 });
    await page.locator('#preview-frame pre.text-preview mark').first().waitFor();
    expect(await page.locator('#verdict').getAttribute('data-verdict')).toBe('compliant');
    expect(await page.locator('#preview-frame pre').textContent()).toContain(t('ru', 'text.manifest'));
    await checkState(page, 'verify-text', 'ru');
  });

  it('says a refused file in the page language, with the service detail only under technical details', async () => {
    await open('/verify.html', 'kk');
    await page.setInputFiles('#file', { name: 'бос.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(0) });
    await page.locator('#verify-msg .problem').waitFor({ timeout: 15_000 });
    expect(await page.locator('#verify-msg .problem > span').first().textContent()).toBe(t('kk', 'err.empty_input'));
    expect(await page.locator('#verify-msg details.tech').getAttribute('open')).toBeNull();
    await checkState(page, 'verify-error', 'kk');
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
    await open('/verify.html', 'en');
    await page.setInputFiles('#file', { name: '<b>x</b>.jpg', mimeType: 'image/jpeg', buffer: bytes });
    await page.locator('#report:not([hidden])').waitFor({ timeout: 30_000 });
    expect(await page.locator('#facts').textContent()).toContain(hostile);
    expect(await page.locator('#report b, #report script, #report img:not(.thumb):not(#manifest-thumb-img):not(#preview-frame img)').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });
});

describe('History page', () => {
  for (const lang of LANGS) {
    it(`loads on open, filters by the Verify page's words, opens a row's details and pages on (${lang})`, async () => {
      await open('/history.html', lang);
      // No "Show" press: the record is there as soon as the key is known.
      await page.locator('#records-body tr[data-id]').first().waitFor({ timeout: 15_000 });
      expect(await page.locator('#records-body tr[data-type=label] .name').first().textContent()).toMatch(/\.(jpg|txt|md|html)$/);
      await checkState(page, 'history', lang);
      // The verdict filter offers the Verify badges' words and finds the tampered copy.
      await page.selectOption('#f-verdict', 'invalid');
      expect(await page.locator('#f-verdict option:checked').textContent()).toBe(t(lang, 'verdict.invalid'));
      await page.click('#filters button[type=submit]');
      await expect
        .poll(() => page.locator('#records-body tr[data-id] [data-verdict]').evaluateAll((es) => [...new Set(es.map((e) => e.getAttribute('data-verdict')))]))
        .toEqual(['invalid']);
      expect(await page.locator('#records-body tr[data-id]').first().locator('.name').textContent()).toBe('көшірме.jpg');
      // A row's details: the full record with its hashes.
      await page.locator('#records-body .details-btn').first().click();
      const details = page.locator('#records-body tr.details-row:not([hidden])');
      await details.waitFor();
      expect(await details.textContent()).toMatch(/[0-9a-f]{64}/);
      await checkState(page, 'history-details', lang);
      // Labelled rows carry the labelled file's hash.
      await page.selectOption('#f-verdict', '');
      await page.selectOption('#f-type', 'label');
      await page.click('#filters button[type=submit]');
      await expect.poll(() => page.locator('#records-body tr[data-type=verify]').count()).toBe(0);
      await page.locator('#records-body .details-btn').first().click();
      const out = (await page.locator('#records-body tr[data-type=label]').first().getAttribute('data-id'))!;
      const rec = await (await fetch(`${srv.url}/api/v1/records/${out}`, { headers: { Authorization: `Bearer ${KEY}` } })).json();
      expect(await page.locator('#records-body tr.details-row:not([hidden])').textContent()).toContain(rec.outputSha256);
      await page.selectOption('#f-type', '');
    });
  }

  it('pages on with the cursor and exports the filtered record as CSV', async () => {
    // Enough checks for two pages of 50.
    const tiny = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#777' } })
      .png()
      .toBuffer();
    for (let i = 0; i < 52; i++) {
      const fd = new FormData();
      fd.append('file', new Blob([new Uint8Array(tiny)]), `п${i}.png`);
      expect((await fetch(`${srv.url}/api/v1/verify`, { method: 'POST', body: fd, headers: { Authorization: `Bearer ${KEY}` } })).status).toBe(200);
    }
    await open('/history.html', 'en');
    await page.locator('#records-body tr[data-id]').first().waitFor({ timeout: 15_000 });
    expect(await page.locator('#records-body tr[data-id]').count()).toBe(50);
    await page.click('#more');
    await expect.poll(() => page.locator('#records-body tr[data-id]').count()).toBeGreaterThan(50);
    const total = (await (await fetch(`${srv.url}/api/v1/records?limit=1000`, { headers: { Authorization: `Bearer ${KEY}` } })).json()).items.length;
    const csv = await download(() => page.click('#export-csv'));
    expect(csv.name).toBe('records.csv');
    const lines = csv.bytes
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toMatch(/^time,id,type,file,/);
    expect(lines).toHaveLength(total + 1);
    expect(csv.bytes.toString('utf8')).toContain('көшірме.jpg');
    // Forget the key: the record is hidden and the key is asked for again.
    await page.click('#key-forget');
    expect(await page.locator('#records').isVisible()).toBe(false);
    expect(await page.evaluate(() => localStorage.getItem('labeller.apiKey'))).toBeNull();
  });
});

describe('API page', () => {
  for (const lang of LANGS) {
    it(`describes every operation in the page's language (${lang})`, async () => {
      await open('/api.html', lang);
      await page.locator('.endpoint').first().waitFor();
      expect(await page.locator('#api-paths').textContent()).toContain('/api/v1/label');
      expect(await page.locator('#api-paths').textContent()).toContain(t(lang, 'api.op.label'));
      await checkState(page, 'api', lang);
    });
  }
});

describe('the whole walk', () => {
  it('every control has a label, focus is visible, and no page logged an error', async () => {
    for (const p of ['/', '/verify.html', '/history.html']) {
      await page.goto(`${srv.url}${p}`);
      const unlabelled = await page.evaluate(() =>
        [...document.querySelectorAll('input, select, textarea')]
          .filter((e) => !(e as HTMLInputElement).labels?.length && !e.getAttribute('aria-label'))
          .map((e) => e.id || e.outerHTML),
      );
      expect(unlabelled).toEqual([]);
    }
    await page.goto(`${srv.url}/`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip');
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).not.toBe('none');
    expect(problems).toEqual([]);
  });
});
