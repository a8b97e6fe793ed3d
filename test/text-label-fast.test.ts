/**
 * Plain UTF-8 text is labelled on bytes; other encodings go through strings. Both must give
 * the same visible text, and the record must hash the bytes actually written.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/startup.js';
import type { CoreContext } from '../src/core/types.js';
import { findCarriers } from '../src/text/carriers.js';
import { labelText } from '../src/core/label-text.js';
import { verify } from '../src/core/verify.js';

let ctx: CoreContext;
let tmp: string;
beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'labeller-text-fast-'));
  ctx = await createContext({ config: loadConfig({ DATA_DIR: tmp } as NodeJS.ProcessEnv), records: false });
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const visible = (b: Buffer) => {
  const t = b.toString('utf8');
  const [c] = findCarriers(t);
  return t.slice(0, c.start) + t.slice(c.end);
};
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('labelling plain UTF-8 on bytes', () => {
  const text = 'Сегодня в Алматы прошёл форум.\r\n\r\n   Таблица:\r\n        | А | Б |\r\n\r\nКонец ❤️\r\n';

  it('gives the same visible text as the string path (the same text in Windows-1251)', async () => {
    for (const placement of ['start', 'end'] as const) {
      const fast = await labelText(Buffer.from(text, 'utf8'), { placement }, ctx);
      const slow = await labelText(iconv.encode(text.replace(' ❤️', ''), 'windows-1251'), { placement }, ctx);
      expect(visible(fast.bytes)).toBe(visible(slow.bytes).replace('Конец', 'Конец ❤️'));
      expect(fast.record.outputSha256).toBe(sha(fast.bytes));
      expect(fast.record.inputSha256).toBe(sha(Buffer.from(text, 'utf8')));
      expect((await verify(fast.bytes, {}, ctx)).c2pa.state).toBe('valid');
    }
  });

  it('relabels on bytes (old wrapper and notice replaced) and normalises NFD text', async () => {
    const nfd = Buffer.from(`\uFEFF${text}Е\u0308`.normalize('NFD'), 'utf8');
    const first = await labelText(nfd, {}, ctx);
    const again = await labelText(first.bytes, { placement: 'end' }, ctx);
    const back = await labelText(again.bytes, {}, ctx);
    expect(again.record.warnings.join(' ')).toMatch(/already carried a C2PA manifest/);
    expect(visible(back.bytes)).toBe(visible(first.bytes));
    expect(visible(first.bytes)).toBe(visible(first.bytes).normalize('NFC'));
    expect(visible(first.bytes)).toContain('Ё');
    expect((await verify(back.bytes, {}, ctx)).compliance.compliant).toBe(true);
  });
});
