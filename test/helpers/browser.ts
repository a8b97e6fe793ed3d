/**
 * What the browser tests check on every page state: no sideways scroll, no WCAG 2.2 AA
 * violation (axe-core from node_modules), no internal English code on a kk/ru page, and a
 * screenshot in test-artifacts/ at each width.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { PLACEMENTS, SOURCE_TYPES, TEXT_PLACEMENTS } from '../../src/domain/vocabulary.js';
import { STATUS } from '../../src/http/problem.js';
import { ROOT } from './context.js';

export const ARTIFACTS = path.join(ROOT, 'test-artifacts');
export const WIDTHS = [1366, 390] as const;
const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Codes and English words of the service that must never reach a Kazakh or Russian reader:
 * C2PA states and relations, record verdicts, doors, placements, IPTC source types, error
 * codes, action and trace codes, and the English words the pages used to show.
 */
export const INTERNAL_WORDS = [
  'valid',
  'invalid',
  'absent',
  'trusted',
  'untrusted',
  'unreadable',
  'parentOf',
  'componentOf',
  'inputTo',
  'compliant',
  'non-compliant',
  'not-ai',
  'web',
  'rest',
  'cli',
  'watch',
  'anonymous',
  ...PLACEMENTS,
  ...TEXT_PLACEMENTS,
  ...SOURCE_TYPES,
  ...Object.keys(STATUS),
  'c2pa.created',
  'c2pa.opened',
  'c2pa.edited',
  'c2pa.color_adjustments',
  'xmp-iptc',
  'xmp-iptc-ai',
  'c2pa-visible-warning',
  'c2pa-generator',
  'tc260',
  'registry',
  'text-notice',
  'signingCredential.untrusted',
  'assertion.dataHash.mismatch',
  'label',
  'verify',
  'image',
  'text',
  'yes',
  'no',
  'unknown',
  'Yes',
  'No',
  'Unknown',
  'Error',
  'Waiting',
  'Working',
  'Uploading',
  'Failed',
  'Done',
  'signed',
  'Properly labelled',
  'Tampered',
  'Record',
  'record',
  'records',
  'Download',
  'file',
  'the file',
  'Verdict',
  'Show',
  'More',
];

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// Case-sensitive: codes are spelled as the service spells them (the standard "TC260" is not the code "tc260").
const WORDS_RE = new RegExp(`(?<![A-Za-z0-9_.-])(${INTERNAL_WORDS.map(escapeRe).join('|')})(?![A-Za-z0-9_-]|\\.[A-Za-z])`);

/**
 * Every text a reader meets, outside what comes from the file itself or is a name a program
 * sends (<pre>, <code>, <bdi>): rendered text nodes, every option of every list except the
 * language names, and accessible names (aria-label, alt, title).
 */
export function visibleText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const p = n.parentElement;
      if (!p || !n.textContent?.trim() || p.closest('pre, code, bdi, script, style, option, datalist')) continue;
      if (!p.checkVisibility({ contentVisibilityAuto: true, opacityProperty: false, visibilityProperty: true } as CheckVisibilityOptions)) continue;
      out.push(n.textContent.trim());
    }
    for (const o of document.querySelectorAll('select:not(#lang-select) option, datalist option')) out.push(o.textContent || o.getAttribute('label') || '');
    for (const e of document.querySelectorAll('[aria-label], img[alt], [title]')) {
      if (e.closest('pre, code, bdi')) continue;
      out.push(e.getAttribute('aria-label') ?? '', e.getAttribute('alt') ?? '', e.getAttribute('title') ?? '');
    }
    return out.filter(Boolean);
  });
}

export async function expectNoInternalWords(page: Page, where: string): Promise<void> {
  const hits = (await visibleText(page)).filter((t) => WORDS_RE.test(t)).map((t) => `${t.slice(0, 120)} ← ${WORDS_RE.exec(t)![1]}`);
  expect(hits, `English codes on ${where}`).toEqual([]);
}

export async function axeViolations(page: Page): Promise<string[]> {
  // page.evaluate is not an inline script: the pages' CSP (script-src 'self') stays on.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  const result = (await page.evaluate(() =>
    (window as unknown as { axe: { run: (d: Document, o: object) => Promise<unknown> } }).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    }),
  )) as { violations: { id: string; help: string; nodes: { target: string[]; failureSummary?: string }[] }[] };
  return result.violations.map(
    (v) =>
      `${v.id}: ${v.help} — ${v.nodes
        .map((n) => `${n.target.join(' ')} (${n.failureSummary ?? ''})`)
        .slice(0, 4)
        .join(' | ')}`,
  );
}

/**
 * One page state at both widths: no sideways scroll at 1366 and 390 px (nor at 320 px), no axe
 * violation, no internal code on a kk/ru page, a screenshot of each. Leaves the page at 1366 px.
 */
export async function checkState(page: Page, name: string, lang: string): Promise<void> {
  // The narrowest phone: no sideways scroll there either.
  await page.setViewportSize({ width: 320, height: 900 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  expect(
    await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
    `${name} (${lang}) at 320 px scrolls sideways`,
  ).toBeLessThanOrEqual(0);
  for (const width of [...WIDTHS].reverse()) {
    await page.setViewportSize({ width, height: 900 });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
    expect(scroll, `${name} (${lang}) at ${width} px scrolls sideways`).toBeLessThanOrEqual(inner);
    expect(await axeViolations(page), `${name} (${lang}) at ${width} px`).toEqual([]);
    if (lang !== 'en') await expectNoInternalWords(page, `${name} (${lang}) at ${width} px`);
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${lang}-${width}.png`), fullPage: true });
  }
}

/** One picture of the elements `selector` matches, together (for the README's screenshots). */
export async function shotOf(page: Page, selector: string, name: string): Promise<void> {
  const boxes = await page.locator(selector).evaluateAll((els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return { x: r.left + scrollX, y: r.top + scrollY, right: r.right + scrollX, bottom: r.bottom + scrollY };
    }),
  );
  const pad = 8;
  const x = Math.max(0, Math.min(...boxes.map((b) => b.x)) - pad);
  const y = Math.max(0, Math.min(...boxes.map((b) => b.y)) - pad);
  const clip = { x, y, width: Math.max(...boxes.map((b) => b.right)) + pad - x, height: Math.max(...boxes.map((b) => b.bottom)) + pad - y };
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true, clip });
}
