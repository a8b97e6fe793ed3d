/**
 * The verdict rules, one table for every kind of file: which signal combinations make a file
 * AI-made, tampered, and compliant with Art. 21(2). Images and texts differ only in whether
 * the carrier read the visible layer (a text's words are always read; an image's pixels when
 * OCR could run).
 */
import { describe, expect, it } from 'vitest';
import type { C2paSummary, Signal } from '../src/domain/report.js';
import { combine } from '../src/core/verdict.js';
import { summarise } from '../src/core/verify-summary.js';

const absent: C2paSummary = { state: 'absent', codes: [] };
const valid: C2paSummary = { state: 'valid', codes: ['signingCredential.untrusted'] };
const invalid: C2paSummary = { state: 'invalid', codes: ['assertion.dataHash.mismatch'] };
const ownWarning: C2paSummary = { ...valid, visibleWarning: { wording: { kk: 'x' }, signer: 'own' } };
const forgedWarning: C2paSummary = { ...valid, visibleWarning: { wording: { kk: 'x' }, signer: 'untrusted' } };

const s = (source: string, extra: Partial<Signal> = {}): Signal => ({ source, ai: true, detail: source, ...extra });
const signedAi = s('c2pa', { label: true, verified: true });
const signedNotAi = s('c2pa', { ai: false, label: false, verified: true });
const brokenAi = s('c2pa', { label: false, verified: false });
const iptc = s('xmp-iptc', { label: true });
const frontMatterAi = s('front-matter', { label: true });
const frontMatterNotAi = s('front-matter', { ai: false, label: false });
const exifCamera = s('exif-software', { ai: null });
const notice = s('text-notice', { visible: true });
const partialNotice = s('text-notice', { visible: false, partial: true });
const registry = s('registry');
const burnedIn = s('visible-text', { visible: true, words: 'Создано ИИ', place: 'bottom-left', language: 'ru' });

type Row = [string, C2paSummary, Signal[], boolean, { ai: boolean | null; tampered: boolean; mr: boolean; vw: boolean | null; ok: boolean }];

const ROWS: Row[] = [
  // Nothing found.
  ['image: nothing', absent, [], false, { ai: null, tampered: false, mr: false, vw: null, ok: false }],
  ['text: nothing', absent, [], true, { ai: null, tampered: false, mr: false, vw: false, ok: false }],
  // "Not AI" only from a signed, intact claim — the same for both kinds.
  ['image: camera EXIF only', absent, [exifCamera], false, { ai: null, tampered: false, mr: false, vw: null, ok: false }],
  ['image: signed "not AI"', valid, [signedNotAi], false, { ai: false, tampered: false, mr: false, vw: null, ok: false }],
  ['text: signed "not AI"', valid, [signedNotAi], true, { ai: false, tampered: false, mr: false, vw: false, ok: false }],
  ['text: unsigned front matter "not AI"', absent, [frontMatterNotAi], true, { ai: null, tampered: false, mr: false, vw: false, ok: false }],
  // A plain machine-readable field is a label on either kind; proof of the visible layer differs.
  ['image: IPTC AI only', absent, [iptc], false, { ai: true, tampered: false, mr: true, vw: null, ok: false }],
  ['text: front matter AI only', absent, [frontMatterAi], true, { ai: true, tampered: false, mr: true, vw: false, ok: false }],
  ['text: front matter AI + notice', absent, [frontMatterAi, notice], true, { ai: true, tampered: false, mr: true, vw: true, ok: true }],
  ['text: notice only', absent, [notice], true, { ai: true, tampered: false, mr: false, vw: true, ok: false }],
  ['text: partial notice', absent, [partialNotice], true, { ai: true, tampered: false, mr: false, vw: false, ok: false }],
  // Signed labels.
  ['image: signed AI, no warning claim', valid, [signedAi], false, { ai: true, tampered: false, mr: true, vw: null, ok: false }],
  ['image: signed AI + our warning claim', ownWarning, [signedAi], false, { ai: true, tampered: false, mr: true, vw: true, ok: true }],
  ['image: signed AI + forged warning claim', forgedWarning, [signedAi], false, { ai: true, tampered: false, mr: true, vw: null, ok: false }],
  ['text: signed AI + notice', valid, [signedAi, notice], true, { ai: true, tampered: false, mr: true, vw: true, ok: true }],
  ['text: signed AI, notice removed', ownWarning, [signedAi], true, { ai: true, tampered: false, mr: true, vw: false, ok: false }],
  // Broken provenance is never compliant.
  ['image: tampered', { ...invalid, visibleWarning: { signer: 'own' } }, [brokenAi, iptc], false, { ai: true, tampered: true, mr: true, vw: null, ok: false }],
  ['text: tampered', invalid, [brokenAi, notice, frontMatterAi], true, { ai: true, tampered: true, mr: true, vw: true, ok: false }],
  // An image whose pixels were read (OCR): the warning seen there is the visible layer; none seen is none.
  ['image: pixels read, warning seen', absent, [burnedIn], true, { ai: true, tampered: false, mr: false, vw: true, ok: false }],
  ['image: pixels read, IPTC + warning seen', absent, [iptc, burnedIn], true, { ai: true, tampered: false, mr: true, vw: true, ok: true }],
  ['image: pixels read, IPTC, no warning', absent, [iptc], true, { ai: true, tampered: false, mr: true, vw: false, ok: false }],
  ['image: pixels read, tampered with a warning seen', invalid, [brokenAi, iptc, burnedIn], true, { ai: true, tampered: true, mr: true, vw: true, ok: false }],
  // A copy of our own output found by the record is AI-made, whatever else was stripped.
  ['image: stripped copy of ours', absent, [registry], false, { ai: true, tampered: false, mr: false, vw: null, ok: false }],
  ['text: bare words of ours', absent, [registry], true, { ai: true, tampered: false, mr: false, vw: false, ok: false }],
];

describe('verdict rules', () => {
  it.each(ROWS)('%s', (_name, c2pa, signals, visibleLayerRead, want) => {
    const v = combine(c2pa, signals, visibleLayerRead);
    expect({ ai: v.aiGenerated, tampered: v.tampered, mr: v.compliance.machineReadable, vw: v.compliance.visibleWarning, ok: v.compliance.compliant }).toEqual(
      want,
    );
  });

  it('one summary writer: it names the evidence it was given, the record included', () => {
    const v = combine(absent, [registry], true);
    const sum = summarise(absent, [registry], v);
    expect(sum.en).toContain('traced as AI-generated: provenance record');
    expect(sum.en).not.toMatch(/No trace of AI/);
    expect(sum.en).toContain('there is no machine-readable AI label; there is no visible warning. Label it before publishing.');
  });

  it('names the warning read in the pixels and where, or why the pixels were not read', () => {
    const seen = summarise(absent, [burnedIn], combine(absent, [burnedIn], true));
    expect(seen.en).toContain('a visible warning is present («Создано ИИ», bottom left), but there is no machine-readable AI label');
    expect(seen.ru).toContain('видимое предупреждение есть («Создано ИИ», внизу слева), но нет машиночитаемой метки ИИ');
    expect(seen.kk).toContain('(«Создано ИИ», төменгі сол жақта)');
    const unread = summarise(absent, [iptc], combine(absent, [iptc], false), { available: false, read: false, reason: 'unavailable' });
    expect(unread.en).toContain('a machine-readable AI label is present, but there is no verifiable visible warning');
    expect(unread.en).toContain('OCR (Tesseract with kaz, rus, eng and chi_sim) is not installed here');
    const traced = summarise(absent, [{ ...registry, recordId: 'rec_42' }], combine(absent, [registry], true));
    expect(traced.en).toContain('provenance record (rec_42)');
  });

  it('tampered files are told to get the original, not to label', () => {
    const c2pa = invalid;
    const sum = summarise(c2pa, [brokenAi], combine(c2pa, [brokenAi], false));
    expect(sum.en).toContain('Do not trust this copy; get the original from its source.');
    expect(sum.en).not.toContain('Label it before publishing');
  });
});
