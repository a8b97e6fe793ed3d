import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { expect, it } from 'vitest';
import { PEER_FIXTURES, tempDir } from './helpers/context.js';
import { runCli } from './helpers/cli.js';

it('labeller verify --json traces stripped, resized and cropped copies of our output to its record, and not an unrelated photo', async () => {
  const work = tempDir('labeller-trace-');
  const env = { DATA_DIR: path.join(work, 'data') };
  const labelled = path.join(work, 'apollo.jpg');
  const l = runCli(['label', path.join(PEER_FIXTURES, 'earth_apollo17.jpg'), '-o', labelled, '--json'], env);
  expect(l.code, l.stderr).toBe(0);
  const recordId = JSON.parse(l.stdout).id as string;
  expect(recordId).toBeTruthy();

  const meta = await sharp(labelled).metadata();
  const half = path.join(work, 'half-q70.jpg');
  await sharp(labelled)
    .resize(Math.round(meta.width! / 2))
    .jpeg({ quality: 70 })
    .toFile(half); // sharp strips metadata by default
  const cropped = path.join(work, 'cropped.webp');
  const dx = Math.round(meta.width! * 0.04);
  const dy = Math.round(meta.height! * 0.04);
  await sharp(labelled)
    .extract({ left: dx, top: dy, width: meta.width! - 2 * dx, height: meta.height! - 2 * dy })
    .webp({ quality: 80 })
    .toFile(cropped);
  const unrelated = path.join(PEER_FIXTURES, 'no_manifest.jpg');

  const v = runCli(['verify', '--json', half, cropped, unrelated], env);
  expect(v.code, v.stderr).toBe(0);
  const [a, b, c] = JSON.parse(v.stdout) as { c2pa: { state: string }; aiGenerated: boolean | null; signals: { source: string; recordId?: string }[] }[];
  for (const copy of [a, b]) {
    expect(copy.c2pa.state).toBe('absent'); // the manifest is gone…
    expect(copy.aiGenerated).toBe(true); // …but the record still knows the picture
    expect(copy.signals).toContainEqual(expect.objectContaining({ source: 'registry', recordId }));
  }
  expect(c.signals.filter((s) => s.source === 'registry')).toEqual([]);
  expect(c.aiGenerated).toBeNull();
  expect(fs.existsSync(path.join(env.DATA_DIR, 'records.sqlite'))).toBe(true);
});
