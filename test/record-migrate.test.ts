/**
 * `labeller records migrate --to postgres://…` moves an SQLite record into PostgreSQL with the
 * chain verified after; the CLI then reads the same record from DATABASE_URL. With DATABASE_URL
 * set, the doors that sign refuse to start without a configured identity (instances sharing one
 * record must sign as one organisation, not each with its own development key).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { FIXTURES, PEER_FIXTURES, tempDir } from './helpers/context.js';
import { postgresMissing, startPostgres, type TestPostgres } from './helpers/postgres.js';

let cluster: TestPostgres | undefined;
let work: string;
/** The SQLite record's environment: DATABASE_URL explicitly unset. */
let sqliteEnv: Record<string, string>;

beforeAll(async () => {
  cluster = await startPostgres();
  if (!cluster) console.warn(postgresMissing);
  work = tempDir('labeller-migrate-');
  sqliteEnv = { DATA_DIR: path.join(work, 'data'), DATABASE_URL: '' };
  for (const f of ['white.jpg', 'white.jpg']) {
    const r = runCli(['label', path.join(FIXTURES, 'images', f), '-o', path.join(work, `out-${Date.now()}.jpg`), '--json'], sqliteEnv);
    expect(r.code, r.stderr).toBe(0);
  }
  const v = runCli(['verify', path.join(work, fs.readdirSync(work).find((n) => n.endsWith('.jpg'))!), '--json'], sqliteEnv);
  expect(v.code, v.stderr).toBeLessThan(2);
});
afterAll(async () => {
  await cluster?.stop();
});

describe('labeller records migrate', () => {
  it('copies the SQLite record into an empty PostgreSQL database and verifies the chain; the CLI then reads it there', async ({ skip }) => {
    if (!cluster) return skip(postgresMissing);
    const url = await cluster.newDatabase('labeller_migrate');
    const before = runCli(['records', 'check', '--json'], sqliteEnv);
    expect(before.code, before.stderr).toBe(0);
    const sqliteCheck = JSON.parse(before.stdout);

    const r = runCli(['records', 'migrate', '--to', url], sqliteEnv);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`copied 3 records and 0 prompts`);
    expect(r.stdout).toContain(`chain verified: intact, head hash ${sqliteCheck.head}`);

    const pgEnv = { DATA_DIR: path.join(work, 'elsewhere'), DATABASE_URL: url };
    const after = runCli(['records', 'check', '--json'], pgEnv);
    expect(after.code, after.stderr).toBe(0);
    expect(JSON.parse(after.stdout)).toMatchObject({ intact: true, rows: 3, head: sqliteCheck.head, types: { label: 2, verify: 1 } });
    const sqliteList = JSON.parse(runCli(['records', 'list', '--json'], sqliteEnv).stdout);
    expect(JSON.parse(runCli(['records', 'list', '--json'], pgEnv).stdout)).toEqual(sqliteList);

    // A labelled copy traced by its ISCC code from the migrated indexes.
    const [label] = sqliteList.items.filter((x: { type: string }) => x.type === 'label');
    const lookup = runCli(['records', 'lookup', label.data.iscc, '--json'], pgEnv);
    expect(lookup.code, lookup.stderr).toBe(0);
    expect(JSON.parse(lookup.stdout).record.id).toBeDefined();

    const again = runCli(['records', 'migrate', '--to', url], sqliteEnv);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/not empty/);
  });

  it('refuses a URL that is not PostgreSQL, and a record that was tampered with', async ({ skip }) => {
    const bad = runCli(['records', 'migrate', '--to', 'mysql://x@y/z'], sqliteEnv);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/postgres:\/\//);
    if (!cluster) return skip(postgresMissing);
    const dir = tempDir('labeller-migrate-tampered-');
    fs.cpSync(path.join(work, 'data', 'records.sqlite'), path.join(dir, 'records.sqlite'));
    const { default: Database } = await import('better-sqlite3');
    const raw = new Database(path.join(dir, 'records.sqlite'));
    raw.exec("DROP TRIGGER records_no_update; UPDATE records SET actor = 'someone-else' WHERE seq = 2");
    raw.close();
    const r = runCli(['records', 'migrate', '--to', await cluster.newDatabase('labeller_tampered')], { DATA_DIR: dir, DATABASE_URL: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not intact \(row 2/);
  });
});

describe('one signing identity for instances sharing a record', () => {
  it('refuses to label with DATABASE_URL set and no configured identity, and makes no development key', async ({ skip }) => {
    if (!cluster) return skip(postgresMissing);
    const dataDir = path.join(work, 'no-identity');
    const url = await cluster.newDatabase('labeller_identity');
    const r = runCli(['label', path.join(FIXTURES, 'images', 'white.jpg'), '-o', path.join(work, 'refused.jpg')], { DATA_DIR: dataDir, DATABASE_URL: url });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/DATABASE_URL is set but no signing identity/);
    expect(fs.existsSync(path.join(dataDir, 'identity'))).toBe(false);
    expect(fs.existsSync(path.join(work, 'refused.jpg'))).toBe(false);

    const trust = (f: string) => path.join(PEER_FIXTURES, 'trust', f);
    const ok = runCli(['label', path.join(FIXTURES, 'images', 'white.jpg'), '-o', path.join(work, 'signed.jpg'), '--json'], {
      DATA_DIR: dataDir,
      DATABASE_URL: url,
      SIGNER_CERT: trust('es256.pub'),
      SIGNER_KEY: trust('es256.pem'),
    });
    expect(ok.code, ok.stderr).toBe(0);
    const check = runCli(['records', 'check', '--json'], { DATA_DIR: dataDir, DATABASE_URL: url });
    expect(JSON.parse(check.stdout)).toMatchObject({ intact: true, rows: 1 });
  });
});
