/**
 * Issue 10, item 9: a watch job redone after a crash writes its record row once. The crash
 * comes after the record write (the job's id is the row's idempotency key); the restarted
 * worker finds the row, and the published file is the very output the row describes.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreContext } from '../src/core/types.js';
import { endExiftool } from '../src/provenance/exiftool.js';
import type { CrashPoint } from '../src/watch/hooks.js';
import { startWatcher } from '../src/watch/index.js';
import { tempDir, testContext } from './helpers/context.js';

let ctx: CoreContext;
beforeAll(async () => {
  ctx = await testContext();
});
afterAll(async () => {
  await ctx.records?.close();
  await endExiftool();
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** The record's rows about this input, through the store's own interface (SQLite or PostgreSQL). */
const rowsFor = async (input: Buffer) =>
  (await ctx.records!.list({ limit: 1000 })).items
    .filter((r) => r.inputSha256 === sha(input))
    .map((r) => ({ id: r.id, type: r.type, output_sha256: r.outputSha256 ?? null }));

async function crashThenFinish(root: string, point: CrashPoint): Promise<void> {
  let hit = false;
  const w = await startWatcher(root, ctx, {
    once: true,
    stabilityMs: 0,
    hooks: {
      at(p) {
        if (p === point && !hit) {
          hit = true;
          throw new Error(`simulated crash at ${p}`);
        }
      },
    },
  });
  await w.idle();
  await w.stop();
  expect(hit, `the job never reached ${point}`).toBe(true);
  expect(fs.readdirSync(path.join(root, '.work'))).toHaveLength(1); // left half-done
  const again = await startWatcher(root, ctx, { once: true, stabilityMs: 0 });
  await again.idle();
  await again.stop();
  expect(fs.readdirSync(path.join(root, '.work'))).toEqual([]);
}

describe('a watch job redone after a crash', () => {
  for (const [i, point] of (['job:produced', 'job:temps-written'] as const).entries()) {
    it(`labels: one record row after a crash at ${point}, and it describes the published file`, async () => {
      const root = tempDir('watch-once-');
      const input = await sharp({ create: { width: 300 + i, height: 200, channels: 3, background: '#468' } })
        .jpeg()
        .toBuffer();
      fs.mkdirSync(path.join(root, 'inbox'), { recursive: true });
      fs.writeFileSync(path.join(root, 'inbox/photo.jpg'), input);
      await crashThenFinish(root, point);

      const rows = await rowsFor(input);
      expect(rows).toHaveLength(1);
      const out = fs.readFileSync(path.join(root, 'outbox/photo.jpg'));
      const record = JSON.parse(fs.readFileSync(path.join(root, 'outbox/photo.jpg.json'), 'utf8'));
      expect(record.id).toBe(rows[0].id);
      expect(rows[0].output_sha256).toBe(sha(out));
      expect(record.outputSha256).toBe(sha(out));
    });
  }

  it('verifies: one record row after a crash at job:temps-written', async () => {
    const root = tempDir('watch-once-verify-');
    const input = await sharp({ create: { width: 310, height: 210, channels: 3, background: '#864' } })
      .jpeg()
      .toBuffer();
    fs.mkdirSync(path.join(root, 'verify-inbox'), { recursive: true });
    fs.writeFileSync(path.join(root, 'verify-inbox/check.jpg'), input);
    await crashThenFinish(root, 'job:temps-written');
    const rows = await rowsFor(input);
    expect(rows.map((r) => r.type)).toEqual(['verify']);
    expect(JSON.parse(fs.readFileSync(path.join(root, 'reports/check.jpg.json'), 'utf8')).recordId).toBe(rows[0].id);
  });
});
