/**
 * Prompts in the record: kept outside the hash chain, erased by `labeller records erase ID
 * --prompt`, by the admin-only REST route and by PROMPT_RETENTION_DAYS; after erasing the
 * chain still checks and neither list nor export carries the text. The fixture photo through
 * the built CLI and the REST door comes out clean (ExifTool reads the output).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { openRegistry } from '../src/registry/index.js';
import { endExiftool, readTags } from '../src/provenance/exiftool.js';
import type { RunningServer } from '../src/server.js';
import { runCli } from './helpers/cli.js';
import { FIXTURES, tempDir } from './helpers/context.js';
import { keyedServer, postPhoto } from './helpers/privacy.js';

const PHOTO = path.join(FIXTURES, 'images', 'privacy-photo.jpg');
const PROMPT = 'portrait of Invented Person outside her home';

afterAll(async () => {
  await endExiftool();
});

describe('the command line', () => {
  const dir = tempDir('labeller-privacy-cli-');
  const env = { DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'silent' };
  let id: string;

  beforeAll(() => {
    const r = runCli(['label', PHOTO, '-o', path.join(dir, 'out.jpg'), '--prompt', PROMPT, '--prompt-writer', 'Photo desk', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    id = JSON.parse(r.stdout).id;
  });

  it('labels the photo without its personal data and without the prompt (ExifTool)', async () => {
    const t = (await readTags(fs.readFileSync(path.join(dir, 'out.jpg')), 'jpg')) as Record<string, unknown>;
    for (const tag of ['GPSLatitude', 'SerialNumber', 'LensSerialNumber', 'OwnerName', 'ThumbnailImage', 'PhotoshopThumbnail', 'City', 'AIPromptInformation'])
      expect(t[tag], tag).toBeUndefined();
    expect(String(t.Credit)).toBe('Example Agency');
  });

  it('--keep-location and --keep-camera are switches of label', async () => {
    const r = runCli(['label', PHOTO, '-o', path.join(dir, 'kept.jpg'), '--keep-location', '--keep-camera'], env);
    expect(r.code).toBe(0);
    const t = (await readTags(fs.readFileSync(path.join(dir, 'kept.jpg')), 'jpg')) as Record<string, unknown>;
    expect(t.GPSLatitude).toBeDefined();
    expect(t.LensSerialNumber).toBe('LENS-9911-0007');
  });

  it('erases the prompt: the record still checks, and list and export never carried it', () => {
    const registry = openRegistry(loadConfig({ DATA_DIR: env.DATA_DIR } as NodeJS.ProcessEnv), { mustExist: true });
    try {
      expect(registry.prompts.get(id)).toEqual({ text: PROMPT, writer: 'Photo desk' });
    } finally {
      void registry.close();
    }
    const listed = runCli(['records', 'list', '--json'], env);
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).not.toContain('Invented Person');

    const erased = runCli(['records', 'erase', id, '--prompt'], env);
    expect(erased.code).toBe(0);
    expect(erased.stderr).toMatch(/erased/);
    expect(runCli(['records', 'erase', id, '--prompt'], env).stderr).toMatch(/already erased/);

    const check = runCli(['records', 'check', '--json'], env);
    expect(check.code).toBe(0);
    expect(JSON.parse(check.stdout).intact).toBe(true);
    const exported = runCli(['records', 'export', '--from', '2000-01-01', '--to', '2100-01-01', '--format', 'json'], env);
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain(id);
    expect(exported.stdout).not.toContain('Invented Person');
    // Not in the database file's free pages, nor in its write-ahead log.
    for (const f of fs.readdirSync(env.DATA_DIR).filter((n) => n.startsWith('records.sqlite')))
      expect(fs.readFileSync(path.join(env.DATA_DIR, f)).includes('Invented Person'), f).toBe(false);
    const again = openRegistry(loadConfig({ DATA_DIR: env.DATA_DIR } as NodeJS.ProcessEnv), { mustExist: true });
    try {
      expect(again.prompts.get(id)).toMatchObject({ erasedAt: expect.any(String) });
    } finally {
      void again.close();
    }
  });

  it('records check catches a kept prompt edited in the database (it no longer matches its salted hash)', () => {
    const r = runCli(['label', PHOTO, '-o', path.join(dir, 'edited.jpg'), '--prompt', PROMPT, '--json'], env);
    const edited = JSON.parse(r.stdout).id;
    const db = openRegistry(loadConfig({ DATA_DIR: env.DATA_DIR } as NodeJS.ProcessEnv), { mustExist: true });
    db.db.prepare('UPDATE prompts SET prompt = ? WHERE record_id = ?').run('a harmless landscape', edited);
    void db.close();
    const check = runCli(['records', 'check'], env);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain(`TAMPERED: the prompt kept for record ${edited}`);
    // Erasing the edited prompt removes what no longer matches: the record checks again.
    expect(runCli(['records', 'erase', edited, '--prompt'], env).code).toBe(0);
    expect(runCli(['records', 'check'], env).code).toBe(0);
  });

  it('refuses an erase without --prompt or of an unknown record (exit 2)', () => {
    expect(runCli(['records', 'erase', id], env).code).toBe(2);
    const unknown = runCli(['records', 'erase', '01JUNKNOWNRECORD000000000', '--prompt'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no label record/);
  });
});

describe('PROMPT_RETENTION_DAYS', () => {
  it('erases prompts older than the period when the record is opened, and the chain still checks', () => {
    const dataDir = path.join(tempDir('labeller-privacy-ret-'), 'data');
    const env = { DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
    const r = runCli(['label', PHOTO, '-o', path.join(dataDir, '..', 'o.jpg'), '--prompt', PROMPT, '--json'], env);
    expect(r.code).toBe(0);
    const id = JSON.parse(r.stdout).id;
    // The labelling is "older" than one day once the clock moves on: move the prompt's time back instead.
    const db = openRegistry(loadConfig({ DATA_DIR: dataDir } as NodeJS.ProcessEnv), { mustExist: true });
    db.db.prepare('UPDATE prompts SET time = ? WHERE record_id = ?').run('2026-01-01T00:00:00.000Z', id);
    void db.close();
    const reopened = openRegistry(loadConfig({ DATA_DIR: dataDir, PROMPT_RETENTION_DAYS: '30' } as NodeJS.ProcessEnv));
    try {
      expect(reopened.prompts.get(id)).toMatchObject({ erasedAt: expect.any(String) });
    } finally {
      void reopened.close();
    }
    expect(runCli(['records', 'check'], env).code).toBe(0);
  });
});

describe('the REST door', () => {
  let srv: RunningServer;
  const ADMIN = 'admin-key-0123456789abcdef';
  const DESK = 'desk-key-0123456789abcdef0';

  beforeAll(async () => {
    srv = await keyedServer(`boss:${ADMIN}:admin,desk:${DESK}`, 'labeller-privacy-http-');
  });

  afterAll(async () => {
    await srv?.close();
  });

  const label = (fields: Record<string, string>) => postPhoto(`${srv.url}/api/v1/label`, fs.readFileSync(PHOTO), fields, { Authorization: `Bearer ${DESK}` });

  it('labels the photo clean; keepLocation=true and embedPrompt=true opt back in', async () => {
    const plain = await label({ prompt: PROMPT });
    expect(plain.status).toBe(200);
    const t = (await readTags(Buffer.from(await plain.arrayBuffer()), 'jpg')) as Record<string, unknown>;
    for (const tag of ['GPSLatitude', 'SerialNumber', 'OwnerName', 'ThumbnailImage', 'AIPromptInformation']) expect(t[tag], tag).toBeUndefined();
    const kept = await label({ prompt: PROMPT, keepLocation: 'true', embedPrompt: 'true' });
    const k = (await readTags(Buffer.from(await kept.arrayBuffer()), 'jpg')) as Record<string, unknown>;
    expect(k.GPSLatitude).toBeDefined();
    expect(k.AIPromptInformation).toBe(PROMPT);
    expect(k.SerialNumber).toBeUndefined();
  });

  it('erasing a prompt is for admins: 403 role_required names the role, then 200 for the admin', async () => {
    const res = await label({ prompt: PROMPT });
    const id = res.headers.get('x-record-id')!;
    const erase = (key: string) => fetch(`${srv.url}/api/v1/records/${id}/prompt`, { method: 'DELETE', headers: { Authorization: `Bearer ${key}` } });
    const denied = await erase(DESK);
    expect(denied.status).toBe(403);
    expect(denied.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const problem = await denied.json();
    expect(problem.code).toBe('role_required');
    expect(problem.detail).toMatch(/admin/);
    const read = async (key: string) => (await fetch(`${srv.url}/api/v1/records/${id}`, { headers: { Authorization: `Bearer ${key}` } })).json();
    expect((await read(ADMIN)).prompt).toEqual({ text: PROMPT });
    expect((await read(DESK)).prompt).toBeUndefined(); // its own row, but prompts are the admin's to see
    const list = await (await fetch(`${srv.url}/api/v1/records?type=label`, { headers: { Authorization: `Bearer ${ADMIN}` } })).text();
    expect(list).toContain(id);
    expect(list).not.toContain('Invented Person');
    const ok = await erase(ADMIN);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ id, outcome: 'erased' });
    const after = await read(ADMIN);
    expect(JSON.stringify(after)).not.toContain('Invented Person');
    expect(after.prompt).toEqual({ erasedAt: expect.any(String) });
    const missing = await fetch(`${srv.url}/api/v1/records/01JNOSUCHRECORD0000000000/prompt`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${ADMIN}` },
    });
    expect(missing.status).toBe(404);
  });
});
