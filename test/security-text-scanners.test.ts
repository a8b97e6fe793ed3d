/**
 * Hostile texts (and EXIF text) against every scanner: runs of the characters the scanners
 * look for, 200 KB – 1 MB, must be labelled and verified in bounded time (budget 2 s; asserted
 * with a generous 5 s on a shared machine), and never stall the event loop.
 */
import fs from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { label } from '../src/core/label.js';
import { verify } from '../src/core/verify.js';
import type { CoreContext } from '../src/core/types.js';
import { LabellerError, isInputError } from '../src/domain/errors.js';
import { setTextDeadline } from '../src/text/worker/pool.js';
import { testContext } from './helpers/context.js';

const BOUND_MS = 5_000;
const KB = 1024;

let ctx: CoreContext & { dataDir: string };
beforeAll(async () => {
  ctx = await testContext();
});
afterAll(async () => {
  await ctx.records?.close?.();
  fs.rmSync(ctx.dataDir, { recursive: true, force: true });
});

/** `unit` repeated to about `bytes` bytes. */
const run = (unit: string, bytes = 200 * KB) => unit.repeat(Math.ceil(bytes / Buffer.byteLength(unit)));

/** The runs that made a scanner backtrack, and their neighbours. */
const HOSTILE: Record<string, string> = {
  'comments then x (exponential)': '<!--a-->'.repeat(30) + 'x',
  'many comments then x': run('<!--a-->') + 'x',
  'runs of <': run('<'),
  'runs of <!--': run('<!--'),
  'runs of <p': run('<p'),
  'runs of <p ': run('<p '),
  'runs of [': run('['),
  'runs of [a': run('[a'),
  'runs of ](': run(']('),
  'runs of [a](': run('[a]('),
  'runs of **': run('**'),
  'runs of __a': run('__a'),
  'runs of ---\\n': run('---\n'),
  'runs of <script': run('<script'),
  'runs of c2pa script openers': run('<script type="application/c2pa">'),
  'runs of <meta': run('<meta'),
  'meta with content= runs': '<meta name=ai-generated ' + run('content=') + '>',
  'runs of <link': run('<link'),
  'runs of c2pa links': run('<link rel="c2pa-manifest" '),
  'runs of <head / <body / <html': run('<head<body<html'),
  'runs of notice paragraphs': run('<p data-ai-disclosure="true">'),
  'spaces then x': run(' ') + 'x',
  'generic notice then spaces': 'создано' + run(' ') + 'x',
  'runs of A.9 begin markers': run('-----BEGIN C2PA MANIFEST-----'),
  'runs of &': run('&a'),
  'runs of charset metas': run('<meta charset='),
};

const PREFIXES: Record<string, { prefix: string; textFormat?: 'txt' | 'md' | 'html' }> = {
  plain: { prefix: '' },
  html: { prefix: '<!doctype html><html><head><title>t</title></head><body>\n', textFormat: 'html' },
  markdown: { prefix: '---\ntitle: x\n---\n\n# Heading\n\n', textFormat: 'md' },
};

/** Runs `op`, returns its duration; an input error (4xx) is an acceptable answer, nothing else is. */
async function timed(op: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  try {
    await op();
  } catch (err) {
    if (!isInputError(err)) throw err;
  }
  return performance.now() - started;
}

describe('hostile texts are labelled and verified in bounded time', () => {
  for (const [name, body] of Object.entries(HOSTILE)) {
    it(name, async () => {
      for (const [kind, { prefix, textFormat }] of Object.entries(PREFIXES)) {
        const input = Buffer.from(prefix + body, 'utf8');
        // As a door passes it (file extension) and with the format left to the content.
        for (const hint of [textFormat, undefined]) {
          const l = await timed(() => label(input, { textFormat: hint }, ctx));
          expect(l, `label ${kind} hint=${hint}`).toBeLessThan(BOUND_MS);
          const v = await timed(() => verify(input, { textFormat: hint }, ctx));
          expect(v, `verify ${kind} hint=${hint}`).toBeLessThan(BOUND_MS);
        }
      }
    });
  }

  it('1 MB inputs of the worst runs stay within the bound', async () => {
    for (const unit of ['<', '<p ', '[', '<script', '<meta', '-----BEGIN C2PA MANIFEST-----', 'a ', 'аб вг ']) {
      const input = Buffer.from('<html><head>' + run(unit, 1024 * KB), 'utf8');
      expect(await timed(() => verify(input, { textFormat: 'html' }, ctx)), `verify ${unit}`).toBeLessThan(BOUND_MS);
      expect(await timed(() => label(input, { textFormat: 'html' }, ctx)), `label ${unit}`).toBeLessThan(BOUND_MS);
    }
  });

  it('a labelled hostile text still verifies (the scanners still find our carriers)', async () => {
    for (const [textFormat, prefix] of [
      ['html', '<html><head></head><body>'],
      ['md', '---\na: b\n---\n'],
      ['txt', ''],
    ] as const) {
      const input = Buffer.from(prefix + run('<p <meta <script [ ** ', 100 * KB), 'utf8');
      const out = await label(input, { textFormat }, ctx);
      const report = await verify(out.bytes, { textFormat }, ctx);
      expect(report.c2pa.state, textFormat).toBe('valid');
      expect(report.compliance.compliant, textFormat).toBe(true);
    }
  });
});

describe('the event loop stays free while a heavy text is analysed', () => {
  it('a 20 ms timer never waits more than 500 ms while texts are verified and labelled', async () => {
    let last = performance.now();
    let worstGap = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      worstGap = Math.max(worstGap, now - last);
      last = now;
    }, 20);
    try {
      const inputs = [
        '<html><head>' + run('<script', 1024 * KB),
        run('<p ', 1024 * KB),
        run('a ', 1024 * KB), // a million words to fingerprint
        '<!--a-->'.repeat(30) + 'x',
      ].map((t) => Buffer.from(t, 'utf8'));
      for (const input of inputs) {
        await timed(() => verify(input, {}, ctx));
        await timed(() => label(input, {}, ctx));
      }
    } finally {
      clearInterval(timer);
    }
    expect(worstGap).toBeLessThan(500);
  });
});

describe('the text analysis deadline', () => {
  it('answers text_too_complex when a text overruns it, and the next text is analysed by a fresh worker', async () => {
    const big = Buffer.from(run('<p <meta [a]( ', 4 * 1024 * KB), 'utf8');
    setTextDeadline(1);
    try {
      for (const op of [() => verify(big, { textFormat: 'html' }, ctx), () => label(big, { textFormat: 'html' }, ctx)]) {
        const err = await op().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(LabellerError);
        expect((err as LabellerError).code).toBe('text_too_complex');
      }
    } finally {
      setTextDeadline(undefined);
    }
    const report = await verify(Buffer.from('Мақала. Сгенерировано ИИ.\n'), {}, ctx);
    expect(report.compliance.visibleWarning).toBe(true);
  });
});

/** A small JPEG with an APP1 EXIF block whose ImageDescription and UserComment hold long runs of NULs (then one letter). */
async function jpegWithNulExif(descNuls: number, commentNuls: number): Promise<Buffer> {
  const jpeg = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#808080' } })
    .jpeg()
    .toBuffer();
  // TIFF header (II), IFD0: ImageDescription (ASCII) + Exif IFD pointer; Exif IFD: UserComment.
  const ifd0 = 8;
  const exifIfd = ifd0 + 2 + 2 * 12 + 4;
  const desc = exifIfd + 2 + 12 + 4;
  const comment = desc + descNuls + 1;
  const tiff = Buffer.alloc(comment + 8 + commentNuls);
  tiff.write('II', 0, 'latin1');
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(ifd0, 4);
  tiff.writeUInt16LE(2, ifd0);
  const entry = (at: number, tag: number, type: number, count: number, value: number) => {
    tiff.writeUInt16LE(tag, at);
    tiff.writeUInt16LE(type, at + 2);
    tiff.writeUInt32LE(count, at + 4);
    tiff.writeUInt32LE(value, at + 8);
  };
  entry(ifd0 + 2, 0x010e, 2, descNuls + 1, desc); // ImageDescription: "x" + NULs + "y"
  entry(ifd0 + 14, 0x8769, 4, 1, exifIfd);
  tiff.writeUInt16LE(1, exifIfd);
  entry(exifIfd + 2, 0x9286, 7, 8 + commentNuls, comment); // UserComment: "ASCII\0\0\0" + NULs + "y"
  tiff.write('x', desc, 'latin1');
  tiff.write('y', desc + descNuls - 1, 'latin1');
  tiff.write('ASCII\0\0\0', comment, 'latin1');
  tiff.write('y', comment + 8 + commentNuls - 1, 'latin1');
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const app1 = Buffer.alloc(4);
  app1.writeUInt16BE(0xffe1, 0);
  app1.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), app1, payload, jpeg.subarray(2)]);
}

describe('EXIF text full of NULs', () => {
  for (const [field, desc, comment] of [
    ['ImageDescription', 60_000, 100],
    ['UserComment', 100, 60_000],
  ] as const) {
    it(`is read in bounded time (${field})`, async () => {
      const jpeg = await jpegWithNulExif(desc, comment);
      expect((await sharp(jpeg).metadata()).exif?.length).toBeGreaterThan(60_000);
      const started = performance.now();
      const report = await verify(jpeg, {}, ctx);
      expect(performance.now() - started).toBeLessThan(BOUND_MS);
      expect(report.kind).toBe('image');
    });
  }
});

describe('UTF-16 without a byte-order mark', () => {
  const text = 'Жасанды интеллект туралы мақала. Статья об искусственном интеллекте. An article.\n'.repeat(20);

  it('is decoded when it is clearly UTF-16 (little and big endian)', async () => {
    for (const enc of ['utf16le', 'utf16be'] as const) {
      const bytes = enc === 'utf16le' ? Buffer.from(text, 'utf16le') : Buffer.from(text, 'utf16le').swap16();
      const report = await verify(bytes, {}, ctx);
      expect(report.kind, enc).toBe('text');
      const out = await label(bytes, {}, ctx);
      expect(out.bytes.toString('utf8'), enc).toContain('Статья об искусственном интеллекте');
      expect(out.record.warnings.join(' '), enc).toMatch(/converted from utf-16/);
    }
  });

  it('is decoded when it holds only Cyrillic letters (no NUL byte at all)', async () => {
    const out = await label(Buffer.from('ПриветМирЖасандыИнтеллект', 'utf16le'), {}, ctx);
    expect(out.bytes.toString('utf8')).toContain('ПриветМирЖасандыИнтеллект');
  });

  it('answers text_encoding_undecidable (422), not unsupported_type, when it is UTF-16-shaped but not readable', async () => {
    // Every other byte NUL, but the others are control characters: UTF-16 in shape, not text.
    const bytes = Buffer.alloc(400);
    for (let i = 0; i < bytes.length; i += 2) bytes[i] = i % 3 === 0 ? 0x01 : 0x41;
    for (const op of [() => verify(bytes, {}, ctx), () => label(bytes, {}, ctx)]) {
      const err = await op().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(LabellerError);
      expect((err as LabellerError).code).toBe('text_encoding_undecidable');
    }
  });
});
