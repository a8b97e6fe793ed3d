/**
 * The record's contract, run against both stores: the SQLite file (the default) and
 * PostgreSQL (DATABASE_URL; a throwaway cluster started by test/helpers/postgres.ts). Same
 * rows, same hash chain, same traces, lists, exports, retention, review rows and idempotency;
 * on PostgreSQL also concurrent appends from two instances (two pools) that must not fork the chain.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { label } from '../src/core/label.js';
import type { CoreContext, LabelResult } from '../src/core/types.js';
import { verify } from '../src/core/verify.js';
import type { VerifyReport } from '../src/domain/report.js';
import type { ReviewRow } from '../src/domain/review.js';
import { checkRecord, exportRecords, openRegistry, type RecordStore } from '../src/registry/index.js';
import { openPgRegistry, type PgRegistry } from '../src/registry/pg-registry.js';
import { SqliteRegistry } from '../src/registry/sqlite-registry.js';
import { createContext } from '../src/startup.js';
import { fixture, tempDir } from './helpers/context.js';
import { postgresMissing, startPostgres, type TestPostgres } from './helpers/postgres.js';
import { kazakhText } from './helpers/synthetic.js';

interface Backend {
  /** A fresh, empty record. */
  open(opts?: { now?: () => Date }): Promise<RecordStore>;
  /** A second handle on the same record (another instance). */
  reopen(store: RecordStore): Promise<RecordStore>;
  /** Raw SQL on the store's database, as someone holding it could run. */
  raw(store: RecordStore, sql: string): Promise<void>;
  /** Changes a row bypassing the append-only guard (an attacker with database rights). */
  tamper(store: RecordStore, seq: number): Promise<void>;
}

const sqliteDirs = new WeakMap<RecordStore, string>();
const sqlite: Backend = {
  async open(opts = {}) {
    const dir = tempDir('labeller-contract-');
    const store = new SqliteRegistry(openRegistry({ dataDir: dir, maxPixels: 1e8, retentionDays: 0 }).db, { now: opts.now });
    sqliteDirs.set(store, dir);
    return store;
  },
  async reopen(store) {
    return openRegistry({ dataDir: sqliteDirs.get(store)!, maxPixels: 1e8, retentionDays: 0 });
  },
  async raw(store, sql) {
    (store as SqliteRegistry).db.exec(sql);
  },
  async tamper(store, seq) {
    (store as SqliteRegistry).db.exec(`DROP TRIGGER records_no_update; UPDATE records SET actor = 'someone-else' WHERE seq = ${seq}`);
  },
};

let cluster: TestPostgres | undefined;
const pgUrls = new WeakMap<RecordStore, string>();
const postgres: Backend = {
  async open(opts = {}) {
    const url = await cluster!.newDatabase();
    const store = await openPgRegistry(url, { maxPixels: 1e8, now: opts.now });
    pgUrls.set(store, url);
    return store;
  },
  async reopen(store) {
    return openPgRegistry(pgUrls.get(store)!, { maxPixels: 1e8 });
  },
  async raw(store, sql) {
    await (store as PgRegistry).db.query(sql);
  },
  async tamper(store, seq) {
    await (store as PgRegistry).db.query(
      `ALTER TABLE records DISABLE TRIGGER records_no_update; UPDATE records SET actor = 'someone-else' WHERE seq = ${seq}; ALTER TABLE records ENABLE TRIGGER records_no_update`,
    );
  },
};

beforeAll(async () => {
  cluster = await startPostgres();
  if (!cluster) console.warn(postgresMissing);
});
afterAll(async () => {
  await cluster?.stop();
});

const VERIFY_BASE = {
  kind: 'image',
  format: 'jpeg',
  mimeType: 'image/jpeg',
  bytes: 3,
  tampered: false,
  signals: [],
  summary: { kk: '', ru: '', en: '' },
  checkedAt: '2026-01-01T00:00:00.000Z',
} as const;

function verifyReport(sha: string, compliant: boolean): VerifyReport {
  return {
    ...VERIFY_BASE,
    sha256: sha.repeat(64),
    aiGenerated: true,
    c2pa: compliant ? { state: 'valid', codes: [], activeManifest: 'urn:c2pa:x' } : { state: 'absent', codes: [] },
    compliance: { machineReadable: compliant, visibleWarning: compliant, compliant },
  } as unknown as VerifyReport;
}

describe.each([
  ['SQLite', sqlite],
  ['PostgreSQL', postgres],
] as const)('the record on %s', (name, backend) => {
  let ctx: CoreContext;
  let store: RecordStore;
  let photo: LabelResult;
  let text: LabelResult;
  const skip = () => name === 'PostgreSQL' && !cluster;

  beforeAll(async () => {
    if (skip()) return;
    store = await backend.open();
    const base = await createContext({ config: loadConfig({ DATA_DIR: tempDir('labeller-contract-ctx-') } as NodeJS.ProcessEnv), records: false });
    ctx = { ...base, records: store };
    photo = await label(fixture('peer/c2pa-rs/CA.jpg'), { languages: ['kk', 'ru'], aiSystem: 'Midjourney' }, ctx, { actor: 'desk-editor', door: 'rest' });
    text = await label(Buffer.from(kazakhText(600, 31)), {}, ctx, { actor: 'desk-editor', door: 'rest' });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('writes one chained row per labelling, with wording and hashes', async ({ skip: skipTest }) => {
    if (skip()) return skipTest(postgresMissing);
    const rec = await store.get(photo.record.id!);
    expect(rec).toMatchObject({ type: 'label', actor: 'desk-editor', door: 'rest', format: 'jpeg', seq: 1, outputSha256: photo.record.outputSha256 });
    expect(rec!.manifestLabel).toBe(photo.record.manifestLabel);
    expect(rec!.data.wording).toEqual(photo.record.wording);
    expect(rec!.prevHash).toBe('0'.repeat(64));
    expect((await store.get(text.record.id!))!.prevHash).toBe(rec!.hash);
    expect(await store.get('01NOTARECORDID000000000000')).toBeUndefined();
  });

  it('traces an exact copy, a half-size stripped copy and a cropped WebP copy; not an unrelated picture', async ({ skip: skipTest }) => {
    if (skip()) return skipTest(postgresMissing);
    const { width, height } = await sharp(photo.bytes).metadata();
    const half = await sharp(photo.bytes)
      .resize(Math.round(width! / 2))
      .jpeg({ quality: 70 })
      .toBuffer();
    const cropped = await sharp(photo.bytes)
      .extract({ left: Math.round(width! * 0.04), top: Math.round(height! * 0.04), width: Math.round(width! * 0.92), height: Math.round(height! * 0.93) })
      .webp({ quality: 80 })
      .toBuffer();
    for (const [what, copy, match] of [
      ['exact', photo.bytes, 'exact'],
      ['half', half, 'near'],
      ['cropped webp', cropped, 'near'],
    ] as const) {
      const signals = await store.traceCopy(copy, 'image');
      expect(signals, what).toHaveLength(1);
      expect(signals[0], what).toMatchObject({ source: 'registry', ai: true, recordId: photo.record.id, match });
    }
    for (const f of ['cloud.jpg', 'no_manifest.jpg']) expect(await store.traceCopy(fixture('peer/c2pa-rs', f), 'image'), f).toEqual([]);
    expect(await store.traceCopy(Buffer.from('not an image'), 'image')).toEqual([]);
  });

  it('traces an excerpt of a labelled text, and resolves ISCC codes to their records', async ({ skip: skipTest }) => {
    if (skip()) return skipTest(postgresMissing);
    const plain = text.bytes.toString('utf8');
    const excerpt = Buffer.from(plain.slice(0, Math.round(plain.length * 0.6)));
    expect((await store.traceCopy(excerpt, 'text'))[0]).toMatchObject({ recordId: text.record.id, match: 'near' });
    expect((await store.lookupIscc(photo.record.iscc!))?.record.id).toBe(photo.record.id);
    expect((await store.lookupIscc(text.record.iscc!))?.record.id).toBe(text.record.id);
    expect(await store.lookupIscc('not a code')).toBeUndefined();
  });

  it('verify (the core) reports a stripped copy as AI-made, naming the record, and records the check', async ({ skip: skipTest }) => {
    if (skip()) return skipTest(postgresMissing);
    const half = await sharp(photo.bytes).resize(400).jpeg({ quality: 70 }).toBuffer();
    const report = await verify(half, {}, ctx, { actor: 'cli', door: 'cli' });
    expect(report.signals.find((s) => s.source === 'registry')).toMatchObject({ ai: true, recordId: photo.record.id });
    expect((await store.get(report.recordId!))!).toMatchObject({ type: 'verify', verdict: 'non-compliant', seq: 3 });
  });

  it('records verifications with a verdict, lists with filters and pages, and exports a date range', async ({ skip: skipTest }) => {
    if (skip()) return skipTest(postgresMissing);
    const okId = await store.recordVerify(verifyReport('a', true), { actor: 'cli', door: 'cli' }, Buffer.from('abc'));
    await store.recordVerify(verifyReport('b', false), { actor: 'watch', door: 'watch' }, Buffer.from('xyz'));
    expect((await store.get(okId))!.verdict).toBe('compliant');
    expect((await store.list({ verdict: 'non-compliant' })).items.map((r) => r.actor)).toEqual(['watch', 'cli']);
    expect((await store.list({ type: 'label' })).items.map((r) => r.id)).toEqual([text.record.id, photo.record.id]);
    expect((await store.list({ actor: 'cli', type: 'verify', verdict: 'compliant' })).items.map((r) => r.id)).toEqual([okId]);
    const page1 = await store.list({ limit: 3 });
    const page2 = await store.list({ limit: 3, cursor: page1.next });
    expect(page2.next).toBeUndefined();
    expect([...page1.items, ...page2.items].map((r) => r.seq)).toEqual([5, 4, 3, 2, 1]);
    expect((await store.list({ from: '2000-01-01', to: '2000-12-31' })).items).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    const csv = (await exportRecords(store, { from: today, to: today }, 'csv')).trim().split('\r\n');
    expect(csv).toHaveLength(6);
    expect(csv[1]).toContain(photo.record.wording.kk);
    const json = JSON.parse(await exportRecords(store, { from: today, to: today }, 'json'));
    expect(json.records.map((r: { seq: number }) => r.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps review events as rows of the chain, and writes a job once however often it is redone', async ({ skip: skipTest }) => {
    if (skip()) return skipTest(postgresMissing);
    const row: ReviewRow = { event: 'approved', jobId: 'job-contract-1', format: 'jpeg', inputSha256: 'c'.repeat(64), submitter: 'desk', reviewer: 'ed' };
    const actor = { actor: 'ed', door: 'rest' as const, jobId: 'review-decision:job-contract-1' };
    const first = await store.recordReview(row, actor);
    const again = await Promise.all([store.recordReview(row, actor), store.recordReview(row, actor)]);
    expect(again).toEqual([first, first]);
    expect((await store.findByJob('review-decision:job-contract-1'))!).toMatchObject({ id: first, type: 'review', data: { event: 'approved' } });
    expect(await store.findByJob('no-such-job')).toBeUndefined();
    expect((await store.list({ type: 'review' })).items.map((r) => r.id)).toEqual([first]);
    expect(await store.countTypes()).toEqual({ label: 2, verify: 3, review: 1 });
  });

  it('refuses updates and deletes: the record is append-only', async ({ skip: skipTest }) => {
    if (skip()) return skipTest(postgresMissing);
    await expect(backend.raw(store, "UPDATE records SET actor = 'x' WHERE seq = 1")).rejects.toThrow(/append-only/);
    await expect(backend.raw(store, 'DELETE FROM records WHERE seq = 1')).rejects.toThrow(/append-only/);
  });

  it('finds the chain intact, and names the first row changed behind the guard', async ({ skip: skipTest }) => {
    if (skip()) return skipTest(postgresMissing);
    expect(await checkRecord(store)).toMatchObject({ intact: true, rows: 6, pruned: 0 });
    const other = await backend.open();
    try {
      for (const sha of ['d', 'e', 'f']) await other.recordVerify(verifyReport(sha, false), { actor: 'cli', door: 'cli' }, Buffer.from(sha));
      await backend.tamper(other, 2);
      const report = await checkRecord(other);
      expect(report).toMatchObject({ intact: false, rows: 1, firstBad: { seq: 2 } });
      expect(report.firstBad!.reason).toMatch(/changed/);
    } finally {
      await other.close();
    }
  });

  it('appends from two instances at once without forking the chain', async ({ skip: skipTest }) => {
    if (skip()) return skipTest(postgresMissing);
    const second = await backend.reopen(store);
    try {
      const writes = Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? second : store).recordVerify(verifyReport(i % 2 ? '1' : '2', false), { actor: `w${i}`, door: 'cli' }, Buffer.from(`x${i}`)),
      );
      expect(new Set(await Promise.all(writes)).size).toBe(40);
      expect(await checkRecord(second)).toMatchObject({ intact: true, rows: 46 });
    } finally {
      await second.close();
    }
  });

  it('retention removes the oldest rows and the chain stays verifiable from its anchor', async ({ skip: skipTest }) => {
    if (skip()) return skipTest(postgresMissing);
    const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);
    let clock = daysAgo(60);
    const reg = await backend.open({ now: () => clock });
    try {
      for (const age of [60, 30, 1]) {
        clock = daysAgo(age);
        await reg.recordVerify(verifyReport('c', false), { actor: 'cli', door: 'cli' }, Buffer.from('x'));
      }
      clock = new Date();
      // Retention runs on the wall clock: 20 days keeps only yesterday's row.
      expect((await reg.prune(20)).removed).toBe(2);
      expect(await checkRecord(reg)).toMatchObject({ intact: true, rows: 1, pruned: 2 });
      await reg.recordVerify(verifyReport('c', false), { actor: 'cli', door: 'cli' }, Buffer.from('x'));
      expect(await checkRecord(reg)).toMatchObject({ intact: true, rows: 2 });
      expect((await reg.list({})).items.map((r) => r.seq)).toEqual([4, 3]);
    } finally {
      await reg.close();
    }
  });

  it("keeps a label's prompt outside the chain: the row holds a salted hash, erasing the text leaves the chain intact", async ({ skip: skipTest }) => {
    if (skip()) return skipTest(postgresMissing);
    const prompt = { text: 'Aigerim at the Almaty bazaar, photorealistic', writer: 'desk' };
    const id = await store.recordLabel({ ...photo.record, id: undefined }, { actor: 'desk', door: 'rest' }, photo.bytes, photo.grey, prompt);
    const row = await store.get(id);
    expect(row!.data.promptHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain('Aigerim');
    expect(await store.promptOf!(id)).toEqual(prompt);
    expect(await store.erasePrompt!(id)).toBe('erased');
    expect(await store.erasePrompt!(id)).toBe('already-erased');
    expect(await store.erasePrompt!(photo.record.id!)).toBe('no-prompt');
    expect(await store.promptOf!(id)).toMatchObject({ erasedAt: expect.any(String) });
    expect(await checkRecord(store)).toMatchObject({ intact: true, rows: 47 });
  });

  it('names a kept prompt edited in the database: it no longer matches the salted hash its chained row carries', async ({ skip: skipTest }) => {
    if (skip()) return skipTest(postgresMissing);
    const id = await store.recordLabel({ ...photo.record, id: undefined }, { actor: 'desk', door: 'rest' }, photo.bytes, photo.grey, {
      text: 'a portrait of a named minister',
    });
    expect(await store.promptMismatches!()).toEqual([]);
    await backend.raw(store, `UPDATE prompts SET prompt = 'a harmless landscape' WHERE record_id = '${id}'`);
    expect(await store.promptMismatches!()).toEqual([id]);
    // Erasing the edited text removes what no longer matches; the chain itself was never touched.
    expect(await store.erasePrompt!(id)).toBe('erased');
    expect(await store.promptMismatches!()).toEqual([]);
  });

  it('finds the label whose output carries an invisible watermark mark id', async ({ skip: skipTest }) => {
    if (skip()) return skipTest(postgresMissing);
    const watermark = { alg: 'kz.labeller.wm.ss1', issuer: 1, markId: 0x7654321 };
    const id = await store.recordLabel({ ...photo.record, id: undefined, watermark }, { actor: 'desk', door: 'rest' }, photo.bytes, photo.grey);
    expect((await store.findByMark!(0x7654321))?.id).toBe(id);
    expect(await store.findByMark!(0x1234567)).toBeUndefined();
  });
});
