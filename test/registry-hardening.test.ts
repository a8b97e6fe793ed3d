/**
 * Issue 10 on the record: the database is readable by its owner only (0600, like the keys);
 * a write with an idempotency key already present returns the existing row; a verification
 * without a key is stored compactly (bounded size), a keyed one keeps the whole report.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createContext } from '../src/startup.js';
import { label } from '../src/core/label.js';
import type { VerifyReport } from '../src/domain/report.js';
import type { CoreContext } from '../src/core/types.js';
import { verify } from '../src/core/verify.js';
import { endExiftool } from '../src/provenance/exiftool.js';
import { checkChain, openRegistry, registryPath, type SqliteRegistry } from '../src/registry/index.js';
import { MAX_COMPACT_BYTES } from '../src/registry/compact.js';
import { PEER_FIXTURES, tempDir } from './helpers/context.js';

let ctx: CoreContext;
let registry: SqliteRegistry;
let dataDir: string;

beforeAll(async () => {
  dataDir = tempDir('labeller-registry-hard-');
  ctx = await createContext({ config: loadConfig({ DATA_DIR: dataDir } as NodeJS.ProcessEnv) });
  registry = ctx.records as SqliteRegistry;
});
afterAll(async () => {
  await ctx.records?.close();
  await endExiftool();
});

const stored = (id: string) =>
  registry.db.prepare('SELECT data, wording, manifest_label FROM records WHERE id = ?').get(id) as {
    data: string;
    wording: string | null;
    manifest_label: string | null;
  };
const count = () => (registry.db.prepare('SELECT count(*) AS n FROM records').get() as { n: number }).n;

describe('the record file', () => {
  it('is created 0600, and so are its -wal and -shm files', async () => {
    await label(fs.readFileSync(path.join(PEER_FIXTURES, 'CA.jpg')), {}, ctx, { actor: 'desk', door: 'rest' }); // the WAL exists once written
    const file = registryPath({ dataDir });
    for (const f of [file, `${file}-wal`, `${file}-shm`]) expect((fs.statSync(f).mode & 0o777).toString(8), f).toBe('600');
  });

  it('narrows a record an older version left 0644', () => {
    const dir = tempDir('labeller-registry-old-');
    const r = openRegistry({ dataDir: dir, maxPixels: 1e6, retentionDays: 0 });
    r.db.close();
    fs.chmodSync(registryPath({ dataDir: dir }), 0o644);
    const again = openRegistry({ dataDir: dir, maxPixels: 1e6, retentionDays: 0 });
    expect((fs.statSync(registryPath({ dataDir: dir })).mode & 0o777).toString(8)).toBe('600');
    again.db.close();
  });
});

describe('idempotent record writes', () => {
  it('returns the existing row for a label or verification whose job id is already recorded', async () => {
    const input = fs.readFileSync(path.join(PEER_FIXTURES, 'CA.jpg'));
    const labelled = await label(input, {}, { ...ctx, records: undefined });
    const before = count();
    const actor = { actor: 'watch', door: 'watch' as const, jobId: '00112233445566aa' };
    const first = await registry.recordLabel(labelled.record, actor, labelled.bytes);
    const second = await registry.recordLabel(labelled.record, actor, labelled.bytes);
    expect(second).toBe(first);
    const report = await verify(input, {}, { ...ctx, records: undefined });
    const v = { actor: 'watch', door: 'watch' as const, jobId: '00112233445566bb' };
    expect(await registry.recordVerify(report, v, input)).toBe(await registry.recordVerify(report, v, input));
    expect(count()).toBe(before + 2);
    // Without a key every call is its own row, as before.
    await registry.recordVerify(report, { actor: 'cli', door: 'cli' }, input);
    await registry.recordVerify(report, { actor: 'cli', door: 'cli' }, input);
    expect(count()).toBe(before + 4);
    expect(checkChain(registry).intact).toBe(true);
  });
});

describe('verifications without a key', () => {
  it('are stored compactly: the verdict, hashes, format and sources, never the whole report', async () => {
    const input = fs.readFileSync(path.join(PEER_FIXTURES, 'CA.jpg'));
    const keyed = await verify(input, {}, ctx, { actor: 'desk', door: 'rest' });
    const anonymous = await verify(input, {}, ctx, { actor: 'anonymous', door: 'rest' });
    const full = stored(keyed.recordId!);
    const compact = stored(anonymous.recordId!);
    expect(JSON.parse(full.data)).toMatchObject({ summary: keyed.summary, signals: expect.any(Array) });
    expect(Buffer.byteLength(compact.data)).toBeLessThanOrEqual(MAX_COMPACT_BYTES);
    expect(Buffer.byteLength(compact.data)).toBeLessThan(Buffer.byteLength(full.data));
    const data = JSON.parse(compact.data);
    expect(data).toMatchObject({
      compact: true,
      sha256: anonymous.sha256,
      format: 'jpeg',
      compliance: anonymous.compliance,
      c2pa: { state: anonymous.c2pa.state },
    });
    expect(data.sources).toEqual([...new Set(anonymous.signals.map((s) => s.source))]);
    expect(data.summary).toBeUndefined();
  });

  it('stay bounded whatever the file claims (huge signer names, codes, signals, wording)', async () => {
    const big = 'Ж'.repeat(50_000);
    const hostile: VerifyReport = {
      kind: 'image',
      format: 'jpeg',
      mimeType: 'image/jpeg',
      sha256: 'a'.repeat(64),
      bytes: 1,
      aiGenerated: true,
      tampered: false,
      c2pa: {
        state: 'valid',
        codes: Array.from({ length: 500 }, (_, i) => `${big}${i}`),
        activeManifest: big,
        signer: { organisation: big, commonName: big },
        visibleWarning: { wording: { kk: big, ru: big } },
      },
      signals: Array.from({ length: 500 }, (_, i) => ({ source: `${big}${i}`, ai: true, detail: big })),
      compliance: { machineReadable: true, visibleWarning: true, compliant: true },
      summary: { kk: big, ru: big, en: big },
      checkedAt: new Date().toISOString(),
    };
    const id = await registry.recordVerify(hostile, { actor: 'anonymous', door: 'rest' }, Buffer.from('x'));
    const row = stored(id);
    expect(Buffer.byteLength(row.data)).toBeLessThanOrEqual(MAX_COMPACT_BYTES);
    expect(row.wording).toBeNull();
    expect(row.manifest_label!.length).toBeLessThanOrEqual(200);
    const whole = (
      registry.db
        .prepare("SELECT length(data) + length(coalesce(fingerprint, '')) + length(coalesce(manifest_label, '')) AS n FROM records WHERE id = ?")
        .get(id) as { n: number }
    ).n;
    expect(whole).toBeLessThan(4096);
  });
});
