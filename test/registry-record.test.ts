import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/startup.js';
import { label } from '../src/core/label.js';
import { verify } from '../src/core/verify.js';
import type { CoreContext, LabelResult } from '../src/core/types.js';
import type { VerifyReport } from '../src/domain/report.js';
import { endExiftool } from '../src/provenance/exiftool.js';
import { checkChain, exportRecords, openRegistry, pruneExpired, registryPath, SqliteRegistry } from '../src/registry/index.js';
import { PEER_FIXTURES, tempDir } from './helpers/context.js';

let ctx: CoreContext;
let registry: SqliteRegistry;
let labelled: LabelResult;
let dbFile: string;

beforeAll(async () => {
  const config = loadConfig({ DATA_DIR: tempDir('labeller-registry-') } as NodeJS.ProcessEnv);
  ctx = await createContext({ config });
  registry = ctx.records as SqliteRegistry;
  dbFile = registryPath(config);
  labelled = await label(fs.readFileSync(path.join(PEER_FIXTURES, 'CA.jpg')), { languages: ['kk', 'ru'], aiSystem: 'Midjourney' }, ctx, {
    actor: 'desk-editor',
    door: 'rest',
  });
});
afterAll(async () => {
  await ctx.records?.close();
  await endExiftool();
});

describe('the provenance record', () => {
  it('writes one chained row per labelling, with wording, hashes and fingerprints', async () => {
    expect(labelled.record.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    const rec = await registry.get(labelled.record.id!);
    expect(rec).toMatchObject({ type: 'label', actor: 'desk-editor', door: 'rest', format: 'jpeg', seq: 1, outputSha256: labelled.record.outputSha256 });
    expect(rec!.manifestLabel).toBe(labelled.record.manifestLabel);
    expect(rec!.data.wording).toEqual(labelled.record.wording);
    const row = registry.db.prepare('SELECT fingerprint, wording FROM records WHERE seq = 1').get() as { fingerprint: string; wording: string };
    expect(JSON.parse(row.fingerprint).image).toHaveLength(3);
    expect(JSON.parse(row.wording)).toEqual(labelled.record.wording);
  });

  it('traces an exact copy, a half-size quality-70 stripped copy and a slightly cropped WebP copy to the record', async () => {
    const { width, height } = await sharp(labelled.bytes).metadata();
    const half = await sharp(labelled.bytes)
      .resize(Math.round(width! / 2))
      .jpeg({ quality: 70 })
      .toBuffer(); // sharp drops metadata by default
    const cropped = await sharp(labelled.bytes)
      .extract({ left: Math.round(width! * 0.04), top: Math.round(height! * 0.04), width: Math.round(width! * 0.92), height: Math.round(height! * 0.93) })
      .webp({ quality: 80 })
      .toBuffer();
    expect((await sharp(half).metadata()).exif).toBeUndefined();
    for (const [name, copy, match] of [
      ['exact', labelled.bytes, 'exact'],
      ['half', half, 'near'],
      ['cropped webp', cropped, 'near'],
    ] as const) {
      const signals = await registry.traceCopy(copy, 'image');
      expect(signals, name).toHaveLength(1);
      expect(signals[0], name).toMatchObject({ source: 'registry', ai: true, recordId: labelled.record.id, match });
      expect(signals[0].detail).toContain(labelled.record.id);
    }
  });

  it('verify (the core every door uses) reports a stripped half-size copy as AI-made, naming the record, and records the check', async () => {
    const { width } = await sharp(labelled.bytes).metadata();
    const half = await sharp(labelled.bytes)
      .resize(Math.round(width! / 2))
      .jpeg({ quality: 70 })
      .toBuffer();
    const report = await verify(half, {}, ctx, { actor: 'cli', door: 'cli' });
    expect(report.signals.find((s) => s.source === 'registry')).toMatchObject({ ai: true, recordId: labelled.record.id });
    expect(report.aiGenerated).toBe(true);
    expect((await registry.get(report.recordId!))!.type).toBe('verify');
  });

  it('does not trace an unrelated photograph, nor the unlabelled original of another picture', async () => {
    for (const f of ['cloud.jpg', 'no_manifest.jpg']) expect(await registry.traceCopy(fs.readFileSync(path.join(PEER_FIXTURES, f)), 'image'), f).toEqual([]);
    expect(await registry.traceCopy(Buffer.from('not an image'), 'image')).toEqual([]);
  });

  it('records verifications with a verdict, lists with filters and pages, and exports a date range', async () => {
    const base = {
      kind: 'image',
      format: 'jpeg',
      mimeType: 'image/jpeg',
      bytes: 3,
      tampered: false,
      signals: [],
      summary: { kk: '', ru: '', en: '' },
      checkedAt: new Date().toISOString(),
    } as const;
    const ok = {
      ...base,
      sha256: 'a'.repeat(64),
      aiGenerated: true,
      c2pa: { state: 'valid', codes: [], activeManifest: 'urn:c2pa:x' },
      compliance: { machineReadable: true, visibleWarning: true, compliant: true },
    } as unknown as VerifyReport;
    const bad = {
      ...base,
      sha256: 'b'.repeat(64),
      aiGenerated: true,
      c2pa: { state: 'absent', codes: [] },
      compliance: { machineReadable: false, visibleWarning: false, compliant: false },
    } as unknown as VerifyReport;
    const okId = await registry.recordVerify(ok, { actor: 'cli', door: 'cli' }, Buffer.from('abc'));
    await registry.recordVerify(bad, { actor: 'watch', door: 'watch' }, Buffer.from('xyz'));
    expect((await registry.get(okId))!.verdict).toBe('compliant');
    // the stripped copy checked through verify() above is non-compliant too
    expect((await registry.list({ verdict: 'non-compliant' })).items.map((r) => r.actor)).toEqual(['watch', 'cli']);
    expect((await registry.list({ type: 'label' })).items.map((r) => r.id)).toEqual([labelled.record.id]);
    expect((await registry.list({ actor: 'cli', type: 'verify', verdict: 'compliant' })).items.map((r) => r.id)).toEqual([okId]);

    const page1 = await registry.list({ limit: 2 });
    const page2 = await registry.list({ limit: 2, cursor: page1.next });
    expect(page2.next).toBeUndefined();
    expect([...page1.items, ...page2.items].map((r) => r.seq)).toEqual([4, 3, 2, 1]);

    const today = new Date().toISOString().slice(0, 10);
    expect((await registry.list({ from: '2000-01-01', to: '2000-12-31' })).items).toEqual([]);
    const csv = await exportRecords(registry, { from: today, to: today }, 'csv');
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^seq,id,time,type,actor/);
    expect(lines[1]).toContain(labelled.record.id);
    expect(lines[1]).toContain(labelled.record.wording.kk);
    const json = JSON.parse(await exportRecords(registry, { from: today, to: today }, 'json'));
    expect(json.records.map((r: { seq: number }) => r.seq)).toEqual([1, 2, 3, 4]);
  });

  it('refuses updates and deletes: the record is append-only', () => {
    expect(() => registry.db.prepare("UPDATE records SET actor = 'x' WHERE seq = 1").run()).toThrow(/append-only/);
    expect(() => registry.db.prepare('DELETE FROM records WHERE seq = 1').run()).toThrow(/append-only/);
  });

  it('finds the hash chain intact, and names the first row changed with raw SQL', () => {
    expect(checkChain(registry)).toMatchObject({ intact: true, rows: 4 });
    const copy = path.join(tempDir('labeller-tamper-'), 'records.sqlite');
    registry.db.pragma('wal_checkpoint(TRUNCATE)');
    fs.copyFileSync(dbFile, copy);
    const raw = new Database(copy);
    raw.exec('DROP TRIGGER records_no_update');
    raw.prepare("UPDATE records SET actor = 'someone-else' WHERE seq = 2").run();
    raw.close();
    const tampered = openRegistry({ dataDir: path.dirname(copy), maxPixels: 1e8, retentionDays: 0 }, { mustExist: true });
    const report = checkChain(tampered);
    expect(report).toMatchObject({ intact: false, firstBad: { seq: 2 } });
    expect(report.firstBad!.reason).toMatch(/changed/);
    void tampered.close();
  });

  it('retention removes the oldest rows and the chain stays verifiable from its anchor', () => {
    const dir = tempDir('labeller-retention-');
    let clock = new Date('2024-01-01T00:00:00Z');
    const reg = new SqliteRegistry(openRegistry({ dataDir: dir, maxPixels: 1e8, retentionDays: 0 }).db, { now: () => clock });
    const report = {
      kind: 'image',
      format: 'png',
      mimeType: 'image/png',
      sha256: 'c'.repeat(64),
      bytes: 1,
      aiGenerated: null,
      tampered: false,
      c2pa: { state: 'absent', codes: [] },
      signals: [],
      compliance: { machineReadable: false, visibleWarning: null, compliant: false },
      summary: { kk: '', ru: '', en: '' },
      checkedAt: '',
    } as unknown as VerifyReport;
    return (async () => {
      for (const day of ['2024-01-01', '2024-02-01', '2024-03-01']) {
        clock = new Date(`${day}T12:00:00Z`);
        await reg.recordVerify(report, { actor: 'cli', door: 'cli' }, Buffer.from('x'));
      }
      expect(pruneExpired(reg, 20, new Date('2024-03-02T00:00:00Z'))).toEqual({ removed: 2, throughSeq: 2 });
      expect(checkChain(reg)).toMatchObject({ intact: true, rows: 1, pruned: 2 });
      clock = new Date('2024-03-03T00:00:00Z');
      await reg.recordVerify(report, { actor: 'cli', door: 'cli' }, Buffer.from('x'));
      expect(checkChain(reg)).toMatchObject({ intact: true, rows: 2 });
      expect((await reg.list({})).items.map((r) => r.seq)).toEqual([4, 3]);
      await reg.close();
    })();
  });
});
