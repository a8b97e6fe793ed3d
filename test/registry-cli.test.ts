import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, tempDir } from './helpers/context.js';
import { runCli } from './helpers/cli.js';

let work: string;
let env: Record<string, string>;
let recordId: string;

beforeAll(() => {
  work = tempDir('labeller-records-cli-');
  env = { DATA_DIR: path.join(work, 'data') };
  // A real labelling through the CLI door writes the first record.
  const r = runCli(['label', path.join(FIXTURES, 'images', 'white.jpg'), '-o', path.join(work, 'out.jpg'), '--json'], env);
  expect(r.code, r.stderr).toBe(0);
  recordId = JSON.parse(r.stdout).id;
});

describe('labeller records', () => {
  it('lists the record the label command wrote, with filters', () => {
    const all = runCli(['records', 'list', '--json'], env);
    expect(all.code, all.stderr).toBe(0);
    expect(JSON.parse(all.stdout).items).toMatchObject([{ id: recordId, type: 'label', actor: 'cli', door: 'cli' }]);
    expect(JSON.parse(runCli(['records', 'list', '--json', '--type', 'verify'], env).stdout).items).toEqual([]);
    expect(runCli(['records', 'list', '--from', 'yesterday'], env).code).toBe(2);
  });

  it('exports a date range as CSV to a file and as JSON to standard output', () => {
    const today = new Date().toISOString().slice(0, 10);
    const file = path.join(work, 'export.csv');
    expect(runCli(['records', 'export', '--from', today, '--to', today, '-o', file], env).code).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toContain(recordId);
    const json = runCli(['records', 'export', '--from', today, '--to', today, '--format', 'json'], env);
    expect(JSON.parse(json.stdout)).toMatchObject({ count: 1, records: [{ id: recordId }] });
  });

  it('check exits 0 when intact, 1 naming the first tampered row, 2 without a record', () => {
    const ok = runCli(['records', 'check'], env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/intact: 1 records; head hash [0-9a-f]{64}/);

    const raw = new Database(path.join(work, 'data', 'records.sqlite'));
    raw.exec('DROP TRIGGER records_no_update');
    raw.prepare('UPDATE records SET wording = \'{"kk":"changed"}\' WHERE id = ?').run(recordId);
    raw.close();
    const bad = runCli(['records', 'check'], env);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`TAMPERED: record seq 1 (id ${recordId})`);

    const none = runCli(['records', 'check'], { DATA_DIR: path.join(work, 'nothing-here') });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no provenance record/);
    expect(fs.existsSync(path.join(work, 'nothing-here', 'records.sqlite'))).toBe(false);
  });
});
