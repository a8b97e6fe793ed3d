/**
 * The machine check of the web pages' catalogues (public/i18n/kk.js, ru.js, en.js), which no
 * native speaker has reviewed yet: the same keys and placeholders in each language, a string
 * for every key the pages use and for every code the service can send, and no English words
 * in the Kazakh and Russian strings.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PRIVACY_KINDS } from '../src/domain/personal-data.js';
import { LABEL_FIELDS } from '../src/domain/label-fields.js';
import { DOORS, PLACEMENTS, SOURCE_TYPES, TEXT_PLACEMENTS } from '../src/domain/vocabulary.js';
import { openApiDocument } from '../src/http/openapi.js';
import { STATUS } from '../src/http/problem.js';
import { VERDICTS } from '../src/registry/verdict.js';
import { loadCatalogues, PAGE_LANGS, type Catalogue, type PageLang } from './helpers/catalogues.js';
import { ROOT } from './helpers/context.js';

let cat: Record<PageLang, Catalogue>;
const PUBLIC = path.join(ROOT, 'public');
const read = (...p: string[]) => fs.readFileSync(path.join(...p), 'utf8');
const files = (dir: string, ext: string) =>
  fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(ext))
    .map((f) => path.join(dir, f));

/** Every trace source a detector can write (found in the sources, so a new detector needs its words). */
function signalSources(): string[] {
  const out = new Set<string>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) for (const m of read(p).matchAll(/source: '([a-z0-9-]+)'|'(front-matter|html-meta)'/g)) out.add(m[1] ?? m[2]);
    }
  };
  walk(path.join(ROOT, 'src'));
  return [...out];
}

beforeAll(async () => {
  cat = await loadCatalogues();
});

describe('the catalogues', () => {
  it('say at the top that they are machine-checked, not reviewed by a native speaker', () => {
    for (const l of PAGE_LANGS) expect(read(PUBLIC, 'i18n', `${l}.js`).slice(0, 600)).toContain('MACHINE-CHECKED, NOT REVIEWED BY A NATIVE SPEAKER');
  });

  it('have the same keys, no empty string, and the same placeholders in every language', () => {
    const keys = Object.keys(cat.en).sort();
    for (const l of PAGE_LANGS) {
      expect(Object.keys(cat[l]).sort(), l).toEqual(keys);
      for (const k of keys) {
        expect(cat[l][k].trim(), `${l} ${k}`).not.toBe('');
        const holes = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
        expect(holes(cat[l][k]), `${l} ${k}`).toEqual(holes(cat.en[k]));
      }
    }
  });

  it('carry no English words in Kazakh and Russian, only names of standards, formats and products', () => {
    const allowed = new Set([
      'API',
      'C2PA',
      'IPTC',
      'XMP',
      'SHA',
      'JSON',
      'ZIP',
      'CSV',
      'JPEG',
      'PNG',
      'WebP',
      'AVIF',
      'TIFF',
      'SVG',
      'txt',
      'md',
      'html',
      'jpg',
      'HTML',
      'GB',
      'TC260',
      'EXIF',
      'HTTP',
      'OpenAPI',
      'RFC',
      'Prometheus',
      'UTF',
      'GPS',
    ]);
    for (const l of ['kk', 'ru'] as const) {
      const foreign = Object.entries(cat[l]).flatMap(([k, s]) =>
        [...s.replace(/\{\w+\}/g, '').matchAll(/[A-Za-z][A-Za-z0-9]*/g)]
          .map((m) => m[0])
          .filter((w) => !allowed.has(w))
          .map((w) => `${k}: ${w}`),
      );
      expect(foreign, l).toEqual([]);
    }
    // Kazakh is written with its own letters, not only the Russian alphabet.
    expect(Object.values(cat.kk).join(' ')).toMatch(/[әғқңөұүһі]/);
  });

  it('have a string for every key the pages use', () => {
    const used = new Set<string>();
    for (const f of files(PUBLIC, '.html')) for (const m of read(f).matchAll(/data-i18n(?:-aria|-doc-title)?="([^"]+)"/g)) used.add(m[1]);
    for (const f of files(path.join(PUBLIC, 'js'), '.js')) {
      for (const m of read(f).matchAll(/\btr\(\s*'([a-z][\w.-]*)'/g)) used.add(m[1]);
      for (const m of read(f).matchAll(/\b(?:say\(\w+,|fact\(\w+,|add\(|cell\()\s*'([a-z][\w-]*\.[\w.-]+)'/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(100);
    expect([...used].filter((k) => !(k in cat.en))).toEqual([]);
  });

  it('have a string for every code the service sends and every value the pages show', () => {
    const doc = openApiDocument('0') as {
      paths: Record<string, Record<string, { operationId: string; parameters?: { name: string }[]; responses: Record<string, unknown> }>>;
    };
    const ops = Object.values(doc.paths).flatMap((o) => Object.values(o));
    const needed = [
      ...Object.keys(STATUS).map((c) => `err.${c}`),
      ...['absent', 'invalid', 'valid', 'trusted', 'unreadable', 'remote'].map((s) => `c2pa.state.${s}`),
      ...['absent', 'invalid', 'valid', 'trusted', 'unreadable', 'remote'].map((s) => `sum.state.${s}`),
      ...['parentOf', 'componentOf', 'inputTo'].map((r) => `rel.${r}`),
      ...[...PLACEMENTS, ...TEXT_PLACEMENTS].map((p) => `place.${p}`),
      ...SOURCE_TYPES.map((s) => `src.${s}`),
      ...DOORS.map((d) => `door.${d}`),
      ...VERDICTS.map((v) => `verdict.${v}`),
      ...signalSources().map((s) => `source.${s}`),
      ...PRIVACY_KINDS.map((k) => `privacy.kind.${k}`),
      ...['created', 'opened', 'edited', 'placed', 'converted', 'color_adjustments', 'cropped', 'resized', 'published', 'transcoded', 'repackaged'].map(
        (a) => `action.c2pa.${a}`,
      ),
      ...[
        'assertion.dataHash.mismatch',
        'claimSignature.mismatch',
        'assertion.hashedURI.mismatch',
        'signingCredential.untrusted',
        'manifest.unreadable',
        'manifest.remote.notFetched',
      ].map((c) => `code.${c}`),
      ...['waiting', 'uploading', 'working', 'done', 'failed'].map((s) => `status.${s}`),
      ...['none', 'checking', 'accepted', 'unchecked', 'rejected'].map((s) => `key.${s}`),
      ...['trusted', 'development', 'own', 'untrusted'].map((s) => `trust.${s}`),
      ...['image', 'text', 'other'].map((k) => `kind.${k}`),
      ...['anonymous', 'cli', 'watch'].map((a) => `actor.${a}`),
      ...Array.from({ length: 12 }, (_, i) => `month.${i + 1}`),
      ...ops.map((o) => `api.op.${o.operationId}`),
      ...LABEL_FIELDS.map((f) => `api.field.${f}`),
      'api.field.file',
      ...ops.flatMap((o) => (o.parameters ?? []).map((p) => `api.param.${p.name}`)),
      ...ops.flatMap((o) =>
        Object.keys(o.responses)
          .filter((c) => c !== '200')
          .map((c) => `api.status.${c}`),
      ),
    ];
    expect(needed.filter((k) => !(k in cat.en))).toEqual([]);
  });
});
