/**
 * Image metadata is read off the event loop (issue 10, item 2): the XMP index, EXIF, PNG text
 * (with its inflation) and IPTC-IIM are parsed in a parse worker with a deadline, and labelling
 * reads the editorial fields it carries over with the same readers instead of ExifTool (whose
 * parser took up to its 8 s cut on a hostile packet). Hostile files are built here, near the
 * 8 MB metadata cap, from runs of what the readers look for (test/helpers/hostile-metadata.ts).
 *
 * Budgets (issue 10): `/healthz` answers within 200 ms while such a file is verified, and a
 * 1 MB hostile file is labelled within 2 s. Asserted with generous margins on this loaded
 * 2-core machine shared by the suite: 500 ms for the event loop, 5 s for the label. The old
 * readers, on the event loop, held it 0.6-3 s at these sizes; ExifTool took 8 s.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ExifTool } from 'exiftool-vendored';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { label } from '../src/core/label.js';
import type { CoreContext } from '../src/core/types.js';
import { verify } from '../src/core/verify.js';
import { isInputError, LabellerError } from '../src/domain/errors.js';
import { STATUS } from '../src/http/problem.js';
import { readTags } from '../src/provenance/exiftool.js';
import { rawProfileBytes, readIim } from '../src/signals/iptc-iim.js';
import { setMetadataDeadline } from '../src/signals/metadata.js';
import { XMP_NS, XmpPacket } from '../src/signals/xmp-reader.js';
import { fixture, tempDir, testContext } from './helpers/context.js';
import { exifBlock, hostileExif, hostilePacket, hostilePngText, KB, MB, packet, run, webpWith } from './helpers/hostile-metadata.js';
import { startServiceProcess } from './helpers/service-process.js';
import { withPngText } from './helpers/verify-kit.js';

const execFileP = promisify(execFile);
/** The event loop's budget is 200 ms; asserted with room for a loaded machine. */
const LOOP_BOUND_MS = 500;
/** A 1 MB file's budget is 2 s; asserted with room for a loaded machine. */
const LABEL_BOUND_MS = 5_000;
const DC = 'http://purl.org/dc/elements/1.1/';
const EDITORIAL_NS = ` xmlns:dc="${DC}" xmlns:photoshop="${XMP_NS.photoshop}"`;
const EDITORIAL =
  '<dc:description><rdf:Alt><rdf:li xml:lang="x-default">Almaty skyline at dusk</rdf:li></rdf:Alt></dc:description>' +
  '<dc:creator><rdf:Seq><rdf:li>Aigerim N.</rdf:li></rdf:Seq></dc:creator>' +
  '<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">© 2026 Example Agency</rdf:li></rdf:Alt></dc:rights>' +
  '<photoshop:Credit>Example Agency</photoshop:Credit>';

let ctx: CoreContext & { dataDir: string };
let png: Buffer;
let jpeg: Buffer;
let webp: Buffer;
let work: string;

beforeAll(async () => {
  ctx = await testContext();
  work = tempDir('labeller-meta-worker-');
  const base = sharp({ create: { width: 64, height: 48, channels: 3, background: '#808080' } });
  png = await base.clone().png().toBuffer();
  jpeg = await base.clone().jpeg().toBuffer();
  webp = await base
    .clone()
    .withExif({ IFD0: { Software: 'x' } })
    .withXmp(packet(''))
    .webp()
    .toBuffer();
  // The parse workers start once per process (under tsx, seconds on a loaded machine): not part of any input's budget.
  await verify(pngWithXmp(packet(run(' ', 100 * KB))), { ocr: false }, ctx);
});

afterAll(async () => {
  setMetadataDeadline(undefined);
  await ctx.records?.close?.();
  fs.rmSync(ctx.dataDir, { recursive: true, force: true });
  fs.rmSync(work, { recursive: true, force: true });
});

const pngWithXmp = (xmp: string) => withPngText(png, [{ keyword: 'XML:com.adobe.xmp', text: xmp, type: 'iTXt' }]);

/**
 * Verifies `bytes`: a report or an input error (4xx) is an answer, anything else is a fault.
 * The pixels are not read (OCR runs a child process of its own): this measures the metadata readers.
 */
async function answer(bytes: Buffer): Promise<string> {
  try {
    return (await verify(bytes, { ocr: false }, ctx)).c2pa.state;
  } catch (err) {
    if (!isInputError(err)) throw err;
    return err.code;
  }
}

/** The longest a 20 ms timer waited while `work` ran. */
async function worstTimerGap(work: () => Promise<void>): Promise<number> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 20);
  try {
    await work();
    worst = Math.max(worst, performance.now() - last);
  } finally {
    clearInterval(timer);
  }
  return worst;
}

/**
 * 5-8 MB hostile metadata in every carrier the readers parse: the slowest runs of the old
 * readers. Each file is built when its turn comes (all of them at once would take 100s of MB).
 */
function nearCapFiles(): Record<string, () => Buffer | Promise<Buffer>> {
  const size = 7.5 * MB;
  return {
    'PNG iTXt XMP, nested properties under many prefixes': () => pngWithXmp(hostilePacket('nested properties under many prefixes', size)),
    'PNG iTXt XMP, TC260 values': () => pngWithXmp(hostilePacket('TC260 values', size)),
    'WebP XMP, entities': () => webpWith(webp, { xmp: hostilePacket('entities, numeric and out of range', size) }),
    'WebP XMP, long entity digits': () => webpWith(webp, { xmp: hostilePacket('long entity digits', size) }),
    'WebP XMP and EXIF together': () =>
      webpWith(webp, { xmp: hostilePacket('rdf:li never closed', size / 2), exif: hostileExif(size / 2)['UserComment of "Steps: 1 " runs'] }),
    'WebP EXIF UserComment': () => webpWith(webp, { exif: hostileExif(size)['UserComment of "Steps: 1 " runs'] }),
    'PNG tEXt parameters': () => withPngText(png, hostilePngText(size)['parameters of "Steps: 1 " runs']),
    'PNG zTXt ComfyUI prompt': () => withPngText(png, hostilePngText(size)['ComfyUI prompt of model names']),
    'TIFF XMP tag': () => sharp(png).withXmp(hostilePacket('property openers never closed', size)).tiff().toBuffer(),
    'GIF with a packet found by the byte scan': async () =>
      Buffer.concat([
        await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
          .gif()
          .toBuffer(),
        Buffer.from(hostilePacket('rdf:resource openers, no ">"', size)),
      ]),
  };
}

describe('the event loop stays free while 5-8 MB of hostile metadata is read', () => {
  it(`a 20 ms timer never waits more than ${LOOP_BOUND_MS} ms (budget 200 ms) while each file is verified`, async () => {
    const gaps: Record<string, number> = {};
    for (const [name, build] of Object.entries(nearCapFiles())) {
      const file = await build();
      if (!name.includes('zTXt')) expect(file.length, name).toBeGreaterThan(5 * MB);
      let outcome = '';
      gaps[name] = Math.round(await worstTimerGap(async () => void (outcome = await answer(file))));
      expect(outcome, name).not.toBe('');
    }
    for (const [name, gap] of Object.entries(gaps)) expect(gap, `${name} (all: ${JSON.stringify(gaps)})`).toBeLessThan(LOOP_BOUND_MS);
  }, 240_000);

  it('/healthz answers within the bound while a hostile 7.5 MB packet is verified over HTTP (the built service in its own process)', async () => {
    const dataDir = path.join(tempDir('labeller-meta-http-'), 'data');
    const { child, url } = await startServiceProcess({
      DATA_DIR: dataDir,
      API_KEYS: 'desk:desk-secret-0123456789abcdef',
      ANON_VERIFY_PER_MINUTE: '0',
      RATE_LIMIT_PER_MINUTE: '0',
    });
    try {
      // The client is a process of its own too (this one builds megabytes of strings): it uploads
      // the file, the body built before it is sent, and probes /healthz until the answer comes.
      // The pixels are not read (OCR runs a child process of its own).
      const client = `
        const fs = require('node:fs');
        const [url, file] = process.argv.slice(1);
        const boundary = 'MetaWorkerBoundary7';
        const head = '--' + boundary + '\\r\\nContent-Disposition: form-data; name="file"; filename="hostile.webp"\\r\\nContent-Type: image/webp\\r\\n\\r\\n';
        const body = Buffer.concat([Buffer.from(head), fs.readFileSync(file), Buffer.from('\\r\\n--' + boundary + '--\\r\\n')]);
        (async () => {
          let done = false;
          const verified = fetch(url + '/api/v1/verify?ocr=false', { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=' + boundary }, body })
            .then(async (r) => { await r.arrayBuffer(); done = true; return r.status; });
          const latencies = [];
          while (!done) {
            const t = performance.now();
            const r = await fetch(url + '/healthz');
            await r.arrayBuffer();
            latencies.push(r.status === 200 ? performance.now() - t : Infinity);
            await new Promise((ok) => setTimeout(ok, 25));
          }
          process.stdout.write(JSON.stringify({ status: await verified, latencies }));
        })();
      `;
      // Run asynchronously: this process keeps reading the service's log pipe meanwhile.
      const upload = async (file: Buffer): Promise<{ status: number; latencies: number[] }> => {
        const at = path.join(dataDir, '..', 'upload.webp');
        fs.writeFileSync(at, file);
        const { stdout } = await execFileP(process.execPath, ['-e', client, url, at], { encoding: 'utf8', timeout: 90_000 });
        return JSON.parse(stdout);
      };
      // A first request starts the parse workers; the budget is for hostile input, not for a cold start.
      expect((await upload(webpWith(webp, { xmp: packet(run(' ', 100 * KB)) }))).status).toBe(200);
      const file = webpWith(webp, { xmp: hostilePacket('entities, numeric and out of range', 7.5 * MB) });
      for (let round = 0; round < 2; round++) {
        const { status, latencies } = await upload(file);
        expect([200, 422]).toContain(status);
        expect(latencies.length).toBeGreaterThan(0);
        expect(Math.max(...latencies), `round ${round}: ${latencies.map(Math.round).join(' ')}`).toBeLessThan(LOOP_BOUND_MS);
      }
    } finally {
      child.kill('SIGKILL');
    }
  }, 120_000);
});

describe('labelling reads the editorial fields with our readers, in bounded time', () => {
  /** Hostile 1 MB packets that also carry a normal file's editorial fields. */
  function hostileWithEditorial(): Record<string, string> {
    const bytes = 1 * MB;
    const prefixes = Array.from({ length: Math.floor(bytes / 60) }, (_, i) => ` xmlns:p${i}="${XMP_NS.iptcExt}"`).join('');
    return {
      'thousands of prefixes for the IPTC namespace': packet(EDITORIAL, EDITORIAL_NS + prefixes),
      'entities, numeric and out of range': packet(
        `${EDITORIAL}<xmp:CreatorTool>${run('&#x1F600;&#99999999999;&#x110000;&#xD800;&amp;&#', bytes)}</xmp:CreatorTool>`,
        EDITORIAL_NS,
      ),
      'rdf:li never closed': packet(
        `${EDITORIAL}<Iptc4xmpExt:DigitalSourceType><rdf:Bag>${run('<rdf:li>', bytes)}</rdf:Bag></Iptc4xmpExt:DigitalSourceType>`,
        EDITORIAL_NS,
      ),
      'CDATA sections': packet(`${EDITORIAL}<xmp:CreatorTool>${run('<![CDATA[a]]>', bytes)}</xmp:CreatorTool>`, EDITORIAL_NS),
    };
  }

  for (const [name, xmp] of Object.entries(hostileWithEditorial())) {
    it(`a 1 MB hostile packet (${name}) is labelled within ${LABEL_BOUND_MS / 1000} s (budget 2 s), its editorial fields kept`, async () => {
      for (const input of [webpWith(webp, { xmp }), pngWithXmp(xmp)]) {
        const started = performance.now();
        const out = await label(input, {}, ctx);
        expect(performance.now() - started).toBeLessThan(LABEL_BOUND_MS);
        const x = await outputXmp(out.bytes);
        expect(x.first(DC, 'description')).toContain('Almaty skyline at dusk');
        expect(x.values(DC, 'creator')).toEqual(['Aigerim N.']);
        expect(x.first(DC, 'rights')).toBe('© 2026 Example Agency');
        expect(x.first(XMP_NS.photoshop, 'Credit')).toBe('Example Agency');
        expect(x.first(XMP_NS.iptcExt, 'DigitalSourceType')).toMatch(/trainedAlgorithmicMedia$/);
      }
    }, 60_000);
  }

  it('a normal photo keeps caption, credit, rights and creator (XMP, IPTC-IIM and EXIF), as ExifTool reads them back', async () => {
    const out = await label(fixture('images', 'rotated-captioned.jpg'), {}, ctx);
    const t = (await readTags(out.bytes, 'jpg')) as Record<string, unknown>;
    expect(String(t.Description)).toContain('Almaty skyline at dusk');
    expect(t.Credit).toBe('Example Agency');
    expect(t.Rights).toBe('© 2026 Example Agency');
    expect(t.Creator).toEqual(['Aigerim N.']);
  });

  it('the editorial fields of every labelled format, wherever its tools write them (IIM in JPEG, TIFF and PNG; EXIF; PNG text)', async () => {
    const et = new ExifTool({ maxProcs: 1 });
    const fields = {
      'Caption-Abstract': 'Steppe at dawn, ÖЁҚ',
      'By-line': 'Aigerim N.',
      Credit: 'Example Agency',
      CopyrightNotice: '© 2026 Example Agency',
      Headline: 'Dawn',
      ObjectName: 'Steppe',
      Source: 'Desk',
      Keywords: ['steppe', 'dawn'],
      'IPTC:CodedCharacterSet': 'UTF8',
    };
    try {
      const base = sharp({ create: { width: 64, height: 48, channels: 3, background: '#456' } });
      for (const format of ['jpeg', 'tiff', 'png'] as const) {
        const file = `${work}/iim.${format === 'jpeg' ? 'jpg' : format}`;
        await base.clone()[format]().toFile(file);
        await et.write(file, fields as never, ['-overwrite_original']);
        const out = await label(fs.readFileSync(file), {}, ctx);
        const x = await outputXmp(out.bytes);
        expect(x.first(DC, 'description'), format).toContain('Steppe at dawn, ÖЁҚ');
        expect(x.values(DC, 'creator'), format).toEqual(['Aigerim N.']);
        expect(x.first(XMP_NS.photoshop, 'Credit'), format).toBe('Example Agency');
        expect(x.first(DC, 'rights'), format).toBe('© 2026 Example Agency');
        expect(x.first(XMP_NS.photoshop, 'Headline'), format).toBe('Dawn');
        expect(x.first(DC, 'title'), format).toBe('Steppe');
        expect(x.first(XMP_NS.photoshop, 'Source'), format).toBe('Desk');
        expect(x.values(DC, 'subject'), format).toEqual(['steppe', 'dawn']);
      }
      // A TIFF's own IFD0 fields, and EXIF in a WebP.
      const tiff = `${work}/ifd0.tif`;
      await base.clone().tiff().toFile(tiff);
      await et.write(tiff, { Artist: 'Ann', Copyright: 'CopyR', ImageDescription: 'Desc' } as never, ['-overwrite_original']);
      const fromTiff = await outputXmp((await label(fs.readFileSync(tiff), {}, ctx)).bytes);
      expect([fromTiff.values(DC, 'creator'), fromTiff.first(DC, 'rights'), fromTiff.first(DC, 'description')]).toEqual([
        ['Ann'],
        'CopyR',
        expect.stringContaining('Desc'),
      ]);
      const fromWebp = await outputXmp((await label(webpWith(webp, { exif: exifBlock({ imageDescription: 'From EXIF' }) }), {}, ctx)).bytes);
      expect(fromWebp.first(DC, 'description')).toContain('From EXIF');
    } finally {
      await et.end();
    }
  }, 60_000);

  it('a caption too long for a JPEG XMP segment is cut, and the AI label in XMP is kept', async () => {
    // 50 KB of quotes (the input's packet fits) escape to 300 KB: sharp silently drops a JPEG's XMP over 60,000 bytes.
    const xmp = packet(`<dc:description><rdf:Alt><rdf:li xml:lang="x-default">${run('"', 50 * KB)}</rdf:li></rdf:Alt></dc:description>`, EDITORIAL_NS);
    const input = await sharp(jpeg).withXmp(xmp).jpeg().toBuffer();
    expect((await sharp(input).metadata()).xmp).toBeDefined();
    const out = await label(input, {}, ctx);
    const x = await outputXmp(out.bytes);
    expect(x.first(XMP_NS.iptcExt, 'DigitalSourceType')).toMatch(/trainedAlgorithmicMedia$/);
    expect(x.first(DC, 'description')).toMatch(/^"+/);
  });
});

describe('the metadata deadline', () => {
  it('answers metadata_too_complex (422) past it, replaces the worker, and the next file is read', async () => {
    expect(STATUS.metadata_too_complex).toBe(422);
    const hostile = pngWithXmp(hostilePacket('thousands of prefixes for the IPTC namespace', 1 * MB));
    setMetadataDeadline(1);
    try {
      for (const op of [() => verify(hostile, {}, ctx), () => label(hostile, {}, ctx)]) {
        const err = await op().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(LabellerError);
        expect((err as LabellerError).code).toBe('metadata_too_complex');
        expect(isInputError(err)).toBe(true);
      }
    } finally {
      setMetadataDeadline(undefined);
    }
    const report = await verify(hostile, {}, ctx);
    expect(report.signals).toContainEqual(expect.objectContaining({ source: 'xmp-iptc' }));
    expect((await label(pngWithXmp(packet(EDITORIAL, EDITORIAL_NS)), {}, ctx)).bytes.length).toBeGreaterThan(0);
  });

  it('metadata past the 8 MB cap in a format the size guard does not walk (TIFF) is refused, not read', async () => {
    const tiff = await sharp(png)
      .withXmp(packet(run('<rdf:li>x</rdf:li>', 9 * MB)))
      .tiff()
      .toBuffer();
    expect(await answer(tiff)).toBe('metadata_too_large');
  });
});

describe('the IPTC-IIM reader', () => {
  const record = (dataset: number, value: Buffer | string) => {
    const v = Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8');
    const head = Buffer.from([0x1c, 2, dataset, 0, 0]);
    head.writeUInt16BE(v.length, 3);
    return Buffer.concat([head, v]);
  };
  /** Photoshop image resources: an odd-length name (padded), another resource, then IIM in 0x0404. */
  const photoshop = (iim: Buffer) => {
    const resource = (id: number, name: string, data: Buffer) => {
      const n = Buffer.from([name.length, ...Buffer.from(name, 'latin1')]);
      const head = Buffer.alloc(6);
      head.write('8BIM', 0, 'latin1');
      head.writeUInt16BE(id, 4);
      const size = Buffer.alloc(4);
      size.writeUInt32BE(data.length, 0);
      return Buffer.concat([head, n, Buffer.alloc(n.length & 1), size, data, Buffer.alloc(data.length & 1)]);
    };
    return Buffer.concat([Buffer.from('Photoshop 3.0\0', 'latin1'), resource(0x03ed, 'ab', Buffer.alloc(17)), resource(0x0404, '', iim)]);
  };

  it('reads captions, repeated keywords and Latin-1 from Photoshop resources, raw records and a PNG raw profile', () => {
    const iim = Buffer.concat([record(120, 'Caption'), record(25, 'a'), record(25, 'b'), record(116, Buffer.from('\xa9 Agency', 'latin1'))]);
    for (const block of [
      photoshop(iim),
      iim,
      rawProfileBytes(`\niptc\n${String(iim.length).padStart(8)}\n${iim.toString('hex').replace(/(.{72})/g, '$1\n')}\n`),
    ]) {
      const m = readIim(block);
      expect([m.get(120), m.get(25), m.get(116)]).toEqual([['Caption'], ['a', 'b'], ['© Agency']]);
    }
  });

  it('hostile blocks: truncated records, lengths past the end, extended lengths, 150,000 records, bad hex', () => {
    const started = performance.now();
    const long = Buffer.from([0x1c, 2, 120, 0x80, 0x04, 0x7f, 0xff, 0xff, 0xff, 0x41]);
    const many = Buffer.concat(Array.from({ length: 1000 }, () => record(25, 'k')))
      .toString('latin1')
      .repeat(150);
    expect(readIim(long).get(120)).toEqual(['A']);
    expect(readIim(Buffer.from([0x1c, 2, 120, 0xff])).size).toBe(0);
    expect(readIim(Buffer.from([0x1c, 2, 120, 0x80, 0x09])).size).toBe(0);
    expect(readIim(Buffer.from(many, 'latin1')).get(25)).toHaveLength(256);
    expect(readIim(photoshop(Buffer.alloc(0)).subarray(0, 30)).size).toBe(0);
    expect(rawProfileBytes('\niptc\n  -5\nzz')).toBeUndefined();
    expect(rawProfileBytes(`\niptc\n 99999999\n${run('zq', 1 * MB)}`)!.length).toBe(0);
    expect(performance.now() - started).toBeLessThan(LABEL_BOUND_MS);
  });
});

/** The XMP packet of a labelled output, read with our own reader. */
async function outputXmp(bytes: Buffer): Promise<XmpPacket> {
  const xmp = (await sharp(bytes).metadata()).xmp;
  expect(xmp, 'the output carries XMP').toBeDefined();
  return new XmpPacket(xmp!.toString('utf8'));
}
