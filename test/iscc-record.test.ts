/**
 * The record's ISCC index: every labelled output's codes (whole, crops, half-text windows) are
 * stored under the chain and indexed; a stripped copy is traced by ISCC; anyone holding a code
 * resolves it through GET /api/v1/lookup or `labeller records lookup` (key rules as records);
 * records from before the index are still traced by pHash; retention removes their codes.
 */
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { label } from '../src/core/label.js';
import { createContext } from '../src/startup.js';
import type { CoreContext } from '../src/core/types.js';
import { codeDistance, decodeUnit, encodeUnit } from '../src/domain/iscc/index.js';
import { imageIsccOf } from '../src/media/iscc-image.js';
import { openRegistry, pruneExpired, SqliteRegistry, checkChain } from '../src/registry/index.js';
import { ISCC_MATCH_DISTANCE, STORED_ISCC_CROPS } from '../src/registry/iscc-index.js';
import { startServer, type RunningServer } from '../src/server.js';
import { tempDir } from './helpers/context.js';
import { runCli } from './helpers/cli.js';
import { kazakhText, photoLike } from './helpers/synthetic.js';
import { textFileCode } from '../src/text/reader-text.js';

const KEY = 'desk-secret-0123456789abcdef';
const OTHER = 'pipe-secret-abcdef0123456789';
let ctx: CoreContext;
let registry: SqliteRegistry;
let dataDir: string;
let photo: Awaited<ReturnType<typeof label>>;
let text: Awaited<ReturnType<typeof label>>;

/** The same code with `n` digest bits flipped (from the last bit backwards). */
function flipBits(code: string, n: number): string {
  const u = decodeUnit(code)!;
  const d = Uint8Array.from(u.digest);
  for (let i = 0; i < n; i++) d[7 - (i >> 3)] ^= 1 << (i & 7);
  return encodeUnit(u.mainType, u.subType, u.version, 64, d);
}

beforeAll(async () => {
  dataDir = tempDir('labeller-iscc-');
  ctx = await createContext({ config: loadConfig({ DATA_DIR: dataDir } as NodeJS.ProcessEnv) });
  registry = ctx.records as SqliteRegistry;
  photo = await label(await photoLike(1600, 1200, 21), {}, ctx);
  text = await label(Buffer.from(kazakhText(600, 22)), {}, ctx);
});

afterAll(async () => {
  await ctx.records?.close();
});

describe('the index', () => {
  it('stores the codes of a labelled picture (whole and crops) and text (whole and half windows) under the chain', () => {
    const rows = registry.db.prepare('SELECT r.id, i.kind, i.code FROM iscc_codes i JOIN records r ON r.seq = i.record_seq').all() as {
      id: string;
      kind: string;
      code: string;
    }[];
    const ofPhoto = rows.filter((r) => r.id === photo.record.id);
    expect(ofPhoto.every((r) => r.kind === 'image')).toBe(true);
    expect(ofPhoto.length).toBeGreaterThan(5);
    expect(ofPhoto.map((r) => r.code)).toContain(photo.record.iscc);
    const fp = JSON.parse((registry.db.prepare('SELECT fingerprint FROM records WHERE id = ?').get(photo.record.id) as { fingerprint: string }).fingerprint);
    expect(fp.iscc.image).toHaveLength(STORED_ISCC_CROPS.length);
    expect(fp.iscc.image[0]).toMatchObject({ kx: 1, ky: 1, code: photo.record.iscc });
    const ofText = rows.filter((r) => r.id === text.record.id);
    expect(ofText.map((r) => r.code)).toEqual(expect.arrayContaining([text.record.iscc, ...textFileCode(text.bytes).windows]));
    expect(checkChain(registry).intact).toBe(true);
  });

  it('traces a stripped, recompressed, cropped copy by ISCC and says so', async () => {
    const { width, height } = await sharp(photo.bytes).metadata();
    const copy = await sharp(photo.bytes)
      .extract({ left: 0, top: Math.round(height! * 0.1), width: Math.round(width! * 0.9), height: Math.round(height! * 0.9) })
      .resize(1000)
      .webp({ quality: 70 })
      .toBuffer();
    const [signal] = await registry.traceCopy(copy, 'image');
    expect(signal).toMatchObject({ source: 'registry', recordId: photo.record.id, match: 'near', via: 'iscc' });
    expect(signal.distance).toBeLessThanOrEqual(ISCC_MATCH_DISTANCE);
    expect(decodeUnit(String(signal.iscc))?.subType).toBe(1);
  });

  it('traces 10 % crops from any side or corner, and mixed, within 6 bits', async () => {
    const { width, height } = await sharp(photo.bytes).metadata();
    const W = width!;
    const H = height!;
    const cut = (l: number, t: number, kx: number, ky: number) =>
      sharp(photo.bytes)
        .extract({ left: Math.round(W * l), top: Math.round(H * t), width: Math.round(W * kx), height: Math.round(H * ky) })
        .jpeg({ quality: 85 })
        .toBuffer();
    const crops: Record<string, [number, number, number, number]> = {
      'top-left': [0, 0, 0.9, 0.9],
      'bottom-right': [0.1, 0.1, 0.9, 0.9],
      'top-right': [0.1, 0, 0.9, 0.9],
      'right side': [0, 0, 0.9, 1],
      'top side': [0, 0.1, 1, 0.9],
      mixed: [0.03, 0.08, 0.9, 0.9],
      'centre 10 % of the area': [0.026, 0.026, 0.949, 0.949],
    };
    for (const [name, c] of Object.entries(crops)) {
      const [signal] = await registry.traceCopy(await cut(...c), 'image');
      expect(signal, name).toMatchObject({ recordId: photo.record.id, via: 'iscc' });
      expect(signal.distance, name).toBeLessThanOrEqual(6);
    }
  });

  it('resolves a code to its record and manifest within the threshold, and nothing beyond it', async () => {
    const copyCode = (await imageIsccOf(await sharp(photo.bytes).resize(640).jpeg({ quality: 60 }).toBuffer(), 1e8)).iscc;
    const hit = await registry.lookupIscc(copyCode);
    expect(hit).toMatchObject({ record: { id: photo.record.id, manifestLabel: photo.record.manifestLabel } });
    expect(codeDistance(hit!.matched, copyCode)).toBe(hit!.distance);
    expect((await registry.lookupIscc(flipBits(photo.record.iscc!, ISCC_MATCH_DISTANCE)))?.record.id).toBe(photo.record.id);
    expect(await registry.lookupIscc(flipBits(photo.record.iscc!, 24))).toBeUndefined();
    // A text code never meets an image code, however close the bits.
    const asText = encodeUnit(2, 0, 0, 64, decodeUnit(photo.record.iscc!)!.digest);
    expect(await registry.lookupIscc(asText)).toBeUndefined();
    expect((await registry.lookupIscc(text.record.iscc!))?.record.id).toBe(text.record.id);
    for (const bad of ['', 'ISCC:', 'not a code', 'ISCC:GAAXL2XYM5BQIAZ3', `ISCC:${'A'.repeat(3000)}`])
      expect(await registry.lookupIscc(bad), bad).toBeUndefined();
  });

  it('still traces a record made before the ISCC index by its pHash', async () => {
    const dir = tempDir('labeller-iscc-old-');
    const older = openRegistry({ dataDir: dir, maxPixels: 1e8, retentionDays: 0 });
    try {
      const { iscc: _none, ...record } = photo.record;
      // As a v4 row: pHash fingerprints only.
      const { fingerprintsOfGrey } = await import('../src/registry/fingerprint.js');
      const prints = await fingerprintsOfGrey(photo.grey!);
      const id = older.insertLabel({ ...record, id: undefined }, { actor: 'cli', door: 'cli' }, { image: prints.map((f) => ({ ...f.crop, hash: f.hash })) });
      const half = await sharp(photo.bytes).resize(800).jpeg({ quality: 70 }).toBuffer();
      const [signal] = await older.traceCopy(half, 'image');
      expect(signal).toMatchObject({ recordId: id, via: 'fingerprint' });
    } finally {
      await older.close();
    }
  });

  it('retention removes the codes with their records, and the chain stays checkable', async () => {
    const dir = tempDir('labeller-iscc-prune-');
    let now = new Date('2026-01-01T00:00:00Z');
    const { openDatabase } = await import('../src/registry/database.js');
    const reg = new SqliteRegistry(openDatabase(path.join(dir, 'records.sqlite')), { now: () => now });
    const c = { ...ctx, records: reg };
    await label(await photoLike(400, 300, 5), {}, c);
    now = new Date('2026-03-01T00:00:00Z');
    const kept = await label(await photoLike(400, 300, 6), {}, c);
    expect((reg.db.prepare('SELECT count(*) AS n FROM iscc_codes').get() as { n: number }).n).toBe(2 * STORED_ISCC_CROPS.length);
    expect(pruneExpired(reg, 30, now).removed).toBe(1);
    expect((reg.db.prepare('SELECT count(*) AS n FROM iscc_codes').get() as { n: number }).n).toBe(STORED_ISCC_CROPS.length);
    expect((await reg.lookupIscc(kept.record.iscc!))?.record.id).toBe(kept.record.id);
    expect(checkChain(reg).intact).toBe(true);
    await reg.close();
  });
});

describe('the doors', () => {
  let srv: RunningServer;
  let url: string;
  beforeAll(async () => {
    await ctx.records?.close();
    const config = loadConfig({
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      API_KEYS: `desk:${KEY},pipeline:${OTHER}`,
      WATCH_ENABLED: 'false',
      LOG_LEVEL: 'silent',
    } as NodeJS.ProcessEnv);
    srv = await startServer({ config });
    url = srv.url;
  });
  afterAll(async () => {
    await srv?.close();
  });

  it("GET /api/v1/lookup answers with the record and manifest label, under the records' key rules; bad and unknown codes are refused", async () => {
    const get = (q: string, headers: Record<string, string> = { Authorization: `Bearer ${KEY}` }) => fetch(`${url}/api/v1/lookup${q}`, { headers });
    // Labelled through the service by the desk key, so the row is the desk's own.
    const fd = new FormData();
    fd.append('file', new Blob([new Uint8Array(await photoLike(900, 600, 31))]), 'photo.jpg');
    const labelled = await fetch(`${url}/api/v1/label`, { method: 'POST', body: fd, headers: { Authorization: `Bearer ${KEY}` } });
    expect(labelled.status).toBe(200);
    const id = labelled.headers.get('x-record-id')!;
    const code = (await imageIsccOf(Buffer.from(await labelled.arrayBuffer()), 1e8)).iscc;

    const ok = await get(`?iscc=${encodeURIComponent(code)}`);
    expect(ok.status).toBe(200);
    const body = await ok.json();
    expect(body).toMatchObject({ iscc: code, record: { id, actor: 'desk' } });
    expect(body.manifestLabel).toMatch(/^urn:/);
    expect(body.distance).toBeLessThanOrEqual(4);
    // Another key finds the row exactly when it may read it through /api/v1/records/:id.
    const other = { Authorization: `Bearer ${OTHER}` };
    const mayRead = (await fetch(`${url}/api/v1/records/${id}`, { headers: other })).status === 200;
    expect((await get(`?iscc=${encodeURIComponent(code)}`, other)).status).toBe(mayRead ? 200 : 404);

    expect((await get(`?iscc=${code}`, {})).status).toBe(401);
    expect((await get(`?iscc=${code}`, { Authorization: 'Bearer wrong-key-0123456789' })).status).toBe(403);
    for (const q of ['', '?iscc=', '?iscc=hello', `?iscc=${'A'.repeat(5000)}`, '?iscc=ISCC:GAAXL2XYM5BQIAZ3', '?iscc[a]=1']) {
      const res = await get(q);
      expect(res.status, q).toBe(400);
      expect(await res.json()).toMatchObject({ code: 'bad_request' });
    }
    const none = await get(`?iscc=${flipBits(code, 30)}`);
    expect(none.status).toBe(404);
    expect(await none.json()).toMatchObject({ code: 'not_found' });
  });

  it('labeller records lookup prints the record (exit 0), says when nothing is near (exit 1), refuses a non-code (exit 2)', () => {
    const env = { DATA_DIR: dataDir };
    const hit = runCli(['records', 'lookup', text.record.iscc!, '--json'], env);
    expect(hit.code).toBe(0);
    expect(JSON.parse(hit.stdout)).toMatchObject({ distance: 0, manifestLabel: text.record.manifestLabel, record: { id: text.record.id } });
    const line = runCli(['records', 'lookup', photo.record.iscc!], env);
    expect(line.stdout).toContain(photo.record.id);
    const miss = runCli(['records', 'lookup', flipBits(text.record.iscc!, 30)], env);
    expect(miss.code).toBe(1);
    expect(miss.stderr).toMatch(/no labelled output/);
    expect(runCli(['records', 'lookup', 'ISCC:nonsense'], env).code).toBe(2);
  });
});
