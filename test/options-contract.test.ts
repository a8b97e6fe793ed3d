/**
 * The option contracts every door shares: one schema, names as the user typed them in every
 * message, the earlier spellings still accepted, OpenAPI generated from the same schema.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliFlagOf, LABEL_FIELDS, labelFieldsJsonSchema, parseLabelOptions, textFormatFromName } from '../src/domain/label-fields.js';
import { parseRecordQuery } from '../src/domain/record-query.js';
import { openApiDocument } from '../src/http/openapi.js';

const message = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return { code: (err as { code?: string }).code, message: (err as Error).message };
  }
  throw new Error('expected a refusal');
};

describe('label options', () => {
  it.each([
    [{ languages: 'de' }, 'cli', '--languages: "de" is not one of kk, ru, en'],
    [{ languages: 'kk,de' }, 'field', 'languages: "de" is not one of kk, ru, en'],
    [{ lang: 'xx' }, 'field', 'lang: "xx" is not one of kk, ru, en'],
    [{ aiSystemVersion: 'v'.repeat(101) }, 'cli', '--ai-system-version: is longer than 100 characters'],
    [{ ai_system_version: 'v'.repeat(101) }, 'field', 'ai_system_version: is longer than 100 characters'],
    [{ placement: 'middle' }, 'field', 'placement: "middle" is not one of corner, band,'],
    [{ quality: '12abc' }, 'cli', '--quality: "12abc" is not a whole number from 1 to 100'],
    [{ quality: '0' }, 'field', 'quality: "0" is not a whole number from 1 to 100'],
    [{ text_kk: '   ' }, 'cli', '--text-kk: is empty'],
    [{ 'wording.ru': 'x'.repeat(201) }, 'field', 'wording.ru: is longer than 200 characters'],
    [{ colour: 'red' }, 'field', '"colour" is not a label option'],
    [{ text_kk: 'ЖИ\u0000' }, 'field', 'text_kk: contains control or text-direction characters'],
    [{ aiSystem: 'Mid\u202Ejourney' }, 'cli', '--ai-system: contains control or text-direction characters'],
    [JSON.parse('{"prompt": "half \\ud800 pair"}'), 'field', 'prompt: is not valid Unicode text'],
    [{ 'a[b]': '1' }, 'field', '"a[b]" is not a label option'],
  ] as const)('%j (%s) → %s', (raw, spelling, expected) => {
    const got = message(() => parseLabelOptions(raw as Record<string, unknown>, spelling));
    expect(got.code).toBe('bad_option');
    expect(got.message).toContain(expected);
  });

  it('reports every bad option at once, each by its own name', () => {
    const got = message(() => parseLabelOptions({ languages: 'de', placement: 'x', sourceType: 'photo' }, 'cli'));
    expect(got.message).toMatch(/--languages: .*; --placement: .*; --source-type: "photo" is not one of trainedAlgorithmicMedia/);
  });

  it('accepts every door’s spelling of the same option', () => {
    const spellings = [
      { languages: 'KK, ru,kk', aiSystemVersion: '7', text_kk: 'Жасанды', quality: '90', textFormat: '.HTM' },
      { lang: ['kk', 'ru'], 'ai-system-version': '7', 'wording.kk': 'Жасанды', quality: 90, format: 'html' },
      { languages: 'kk,ru', ai_version: '7', wording: { kk: 'Жасанды' }, quality: '90', text_format: 'htm' },
    ];
    for (const raw of spellings) {
      expect(parseLabelOptions(raw)).toEqual({ languages: ['kk', 'ru'], aiSystemVersion: '7', wording: { kk: 'Жасанды' }, quality: 90, textFormat: 'html' });
    }
  });

  it('ignores prototype keys instead of writing through them', () => {
    const raw = JSON.parse('{"__proto__": {"polluted": true}, "languages": "kk"}');
    expect(message(() => parseLabelOptions(raw)).message).toContain('"__proto__" is not a label option');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('derives the text format from a file name', () => {
    expect([
      textFormatFromName('a.TXT'),
      textFormatFromName('b.markdown'),
      textFormatFromName('c.htm'),
      textFormatFromName('d.jpg'),
      textFormatFromName('noext'),
    ]).toEqual(['txt', 'md', 'html', undefined, undefined]);
  });

  it('the OpenAPI label fields are the contract’s fields, with their limits', () => {
    const doc = openApiDocument('test') as {
      paths: Record<
        string,
        { post?: { requestBody: { content: Record<string, { schema: { properties: Record<string, { maxLength?: number; enum?: string[] }> } }> } } }
      >;
    };
    const props = doc.paths['/api/v1/label'].post!.requestBody.content['multipart/form-data'].schema.properties;
    expect(Object.keys(props).filter((k) => k !== 'file')).toEqual(LABEL_FIELDS);
    expect(props.aiSystemVersion.maxLength).toBe(100);
    expect(props.placement.enum).toContain('band-top');
    expect(Object.keys(labelFieldsJsonSchema())).toEqual(LABEL_FIELDS);
  });
});

describe('the README option table is the one list', () => {
  it('lists every option of the contract, with its CLI flag and field name, and nothing else', () => {
    const readme = fs.readFileSync(path.resolve(import.meta.dirname, '../README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('<!-- label-options:start -->'), readme.indexOf('<!-- label-options:end -->'));
    const rows = [...table.matchAll(/^\| `(--[a-z-]+)` \| `(\w+)` \|/gm)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual(LABEL_FIELDS.map((f) => [cliFlagOf(f), f]));
  });
});

describe('record query', () => {
  it('one page-size rule for every door', () => {
    expect(parseRecordQuery({}).limit).toBe(100);
    expect(parseRecordQuery({ limit: '1000' }).limit).toBe(1000);
    expect(message(() => parseRecordQuery({ limit: '1001' }, 'cli')).message).toBe('--limit: must be a whole number from 1 to 1000');
    expect(message(() => parseRecordQuery({ from: 'yesterday' })).message).toContain('from: expected an ISO date');
    expect(message(() => parseRecordQuery({ type: 'delete' }, 'cli')).message).toBe('--type: "delete" is not one of label, verify, review');
  });
});
