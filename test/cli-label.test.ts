import { Reader } from '@contentauth/c2pa-node';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, tempDir } from './helpers/context.js';
import { runCli } from './helpers/cli.js';

let work: string;
let env: Record<string, string>;

beforeAll(() => {
  work = tempDir('labeller-cli-');
  env = { DATA_DIR: path.join(work, 'data') };
});

const img = (name: string) => path.join(FIXTURES, 'images', name);
const hostile = (name: string) => path.join(FIXTURES, 'hostile', name);

async function manifestState(file: string, mimeType: string): Promise<string | undefined> {
  const reader = await Reader.fromAsset({ buffer: fs.readFileSync(file), mimeType }, { verify: { remote_manifest_fetch: false } } as never);
  return reader?.json().validation_state;
}

describe('labeller label', () => {
  it('labels one file, prints the record with --json, and warns that the identity is a development one', async () => {
    const out = path.join(work, 'one.jpg');
    const r = runCli(['label', img('white.jpg'), '-o', out, '--json', '--languages', 'kk,ru,en', '--ai-system', 'DALL·E', '--ai-system-version', '3'], env);
    expect(r.code).toBe(0);
    const record = JSON.parse(r.stdout);
    expect(record).toMatchObject({
      kind: 'image',
      format: 'jpeg',
      languages: ['kk', 'ru', 'en'],
      aiSystem: 'DALL·E',
      aiSystemVersion: '3',
      signer: { development: true },
    });
    expect(record.outputSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.stderr).toMatch(/DEVELOPMENT signing identity/);
    expect(await manifestState(out, 'image/jpeg')).toBe('Valid');
    // The identity is created once, with a private key only its owner can read.
    const key = path.join(env.DATA_DIR, 'identity/dev-signer-key.pem');
    expect(fs.statSync(key).mode & 0o077).toBe(0);
    expect(r.stdout + r.stderr).not.toContain('PRIVATE KEY');
  });

  it('labels a batch into a directory, keeping names', async () => {
    const dir = path.join(work, 'batch') + '/';
    const r = runCli(['label', img('black.png'), img('busy.webp'), img('blue.tiff'), '-o', dir], env);
    expect(r.code).toBe(0);
    expect(fs.readdirSync(dir).sort()).toEqual(['black.png', 'blue.tiff', 'busy.webp']);
    expect(await manifestState(path.join(dir, 'busy.webp'), 'image/webp')).toBe('Valid');
  });

  it.each([
    ['empty.jpg', /empty/],
    ['truncated.jpg', /truncated or damaged/],
    ['not-an-image.jpg', /not a supported image/],
    ['script.svg', /SVG is not accepted/],
    ['pixel-bomb.png', /above the limit/],
  ])('refuses %s with exit 2, one line naming the file, and no output', (file, reason) => {
    const out = path.join(work, `hostile-${file}`);
    const r = runCli(['label', hostile(file), '-o', out], env);
    expect(r.code).toBe(2);
    const lines = r.stderr
      .trim()
      .split('\n')
      .filter((l) => !/DEVELOPMENT/.test(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(file);
    expect(lines[0]).toMatch(reason);
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(work).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('labels the good files of a mixed batch, reports the bad one, exits 2', () => {
    const dir = path.join(work, 'mixed');
    const r = runCli(['label', img('white.jpg'), hostile('truncated.jpg'), '-o', dir + '/'], env);
    expect(r.code).toBe(2);
    expect(fs.readdirSync(dir)).toEqual(['white.jpg']);
    expect(r.stderr).toMatch(/truncated\.jpg: .*truncated/);
  });

  it('never overwrites the input or an existing output unless --force', () => {
    const copy = path.join(work, 'mine.jpg');
    fs.copyFileSync(img('white.jpg'), copy);
    const before = fs.readFileSync(copy);
    const r = runCli(['label', copy, '-o', copy], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/overwrite the input/);
    expect(fs.readFileSync(copy).equals(before)).toBe(true);
    const forced = runCli(['label', copy, '-o', copy, '--force'], env);
    expect(forced.code).toBe(0);
    expect(fs.readFileSync(copy).equals(before)).toBe(false);
  });

  it('rejects bad options and bad configuration with exit 2', () => {
    const lang = runCli(['label', img('white.jpg'), '-o', path.join(work, 'x.jpg'), '--languages', 'kk,de', '--quality', 'high'], env);
    expect(lang.code).toBe(2);
    // One message naming each flag as typed.
    expect(lang.stderr).toContain('--languages: "de" is not one of kk, ru, en; --quality: "high" is not a whole number from 1 to 100');
    // The earlier spellings still work: --lang and --ai-version.
    const old = runCli(['label', img('white.jpg'), '-o', path.join(work, 'old.jpg'), '--lang', 'en', '--ai-version', '2', '--json'], env);
    expect(old.code).toBe(0);
    expect(JSON.parse(old.stdout)).toMatchObject({ languages: ['en'], aiSystemVersion: '2' });
    const bad = runCli(['label', img('white.jpg'), '-o', path.join(work, 'y.jpg')], { ...env, JPEG_QUALITY: '500' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/JPEG_QUALITY/);
    expect(runCli(['label'], env).code).toBe(2);
  });
});
