/**
 * The review workflow through the REST door, on a real server at 127.0.0.1: roles on keys
 * (403 naming the role), 202 + Location for a held file, approval by an editor releasing a
 * file that verifies with the review inside, a rejected job unreachable by any route, own
 * records only for labellers, and a restart between submit and approve.
 */
import path from 'node:path';
import { Reader } from '@contentauth/c2pa-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { startServer, type RunningServer } from '../src/server.js';
import { tempDir } from './helpers/context.js';

const EDITOR = 'editor-secret-0123456789abcdef';
const PIPE = 'pipe-secret-abcdef0123456789';
const OTHER = 'other-secret-abcdef0123456789';
const BOSS = 'boss-secret-0123456789abcdef0';
let dataDir: string;
let srv: RunningServer;
let jpeg: Buffer;

const auth = (k: string) => ({ Authorization: `Bearer ${k}` });

async function start(env: Record<string, string> = {}): Promise<RunningServer> {
  const config = loadConfig({
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    API_KEYS: `desk:${EDITOR}:editor,pipeline:${PIPE},other:${OTHER}:labeller,boss:${BOSS}:admin`,
    WATCH_ENABLED: 'false',
    LOG_LEVEL: 'silent',
    ...env,
  } as NodeJS.ProcessEnv);
  return startServer({ config });
}

async function submit(s: RunningServer, fields: Record<string, string> = { review: 'required' }, key = PIPE): Promise<Response> {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  fd.append('file', new Blob([new Uint8Array(jpeg)]), 'Сурет.jpg');
  return fetch(`${s.url}/api/v1/label`, { method: 'POST', body: fd, headers: auth(key) });
}

async function problem(res: Response, status: number, code: string): Promise<{ detail: string }> {
  expect({ status: res.status, type: res.headers.get('content-type') }).toEqual({ status, type: 'application/problem+json; charset=utf-8' });
  const p = await res.json();
  expect(p.code).toBe(code);
  return p;
}

const get = (p: string, key: string) => fetch(`${srv.url}${p}`, { headers: auth(key) });
const post = (p: string, key: string, body: unknown) =>
  fetch(`${srv.url}${p}`, { method: 'POST', headers: { ...auth(key), 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

beforeAll(async () => {
  dataDir = path.join(tempDir('labeller-review-http-'), 'data');
  srv = await start();
  jpeg = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#8a5a2b' } })
    .jpeg()
    .toBuffer();
});

afterAll(async () => {
  await srv?.close();
});

describe('review=required through REST', () => {
  let held: string;

  it('answers 202 with the job and its Location, never the file', async () => {
    const res = await submit(srv, { review: 'required', aiSystem: 'Midjourney', prompt: 'a yurt in snow' });
    expect(res.status).toBe(202);
    const job = await res.json();
    expect(res.headers.get('location')).toBe(`/api/v1/jobs/${job.id}`);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(job).toMatchObject({
      state: 'pending_review',
      fileName: 'Сурет.jpg',
      submitter: { actor: 'pipeline', door: 'rest' },
      options: { aiSystem: 'Midjourney', prompt: 'a yurt in snow' },
    });
    expect(job.reviewedWording.kk).toBe('ЖИ көмегімен жасалған, редакция тексерген');
    held = job.id;
    expect((await (await get(`/api/v1/jobs/${held}`, PIPE)).json()).state).toBe('pending_review');
    await problem(await get(`/api/v1/jobs/${held}/output`, PIPE), 409, 'job_state');
    await problem(await get(`/api/v1/jobs/${held}/output`, EDITOR), 409, 'job_state');
    await problem(await get(`/api/v1/jobs/${held}`, OTHER), 404, 'not_found');
  });

  it('a pipeline key cannot approve or see the previews: 403 naming the role needed', async () => {
    const p = await problem(await post(`/api/v1/jobs/${held}/approve`, PIPE, {}), 403, 'role_required');
    expect(p.detail).toMatch(/editor role/);
    await problem(await get(`/api/v1/jobs/${held}/preview/after`, PIPE), 403, 'role_required');
    const before = await get(`/api/v1/jobs/${held}/preview/before`, EDITOR);
    expect([before.status, before.headers.get('content-type')]).toEqual([200, 'image/jpeg']);
    // Editors list what waits for them; a labeller lists only its own jobs.
    const list = await (await get('/api/v1/jobs?state=pending_review', EDITOR)).json();
    expect(list.items.map((j: { id: string }) => j.id)).toContain(held);
    expect((await (await get('/api/v1/jobs', OTHER)).json()).items).toEqual([]);
  });

  it('survives a restart between submit and approve; the editor approves and the output verifies with the review inside', async () => {
    await srv.close();
    srv = await start();
    const res = await post(`/api/v1/jobs/${held}/approve`, EDITOR, { wording: 'reviewed', reviewerName: 'Нұрлан Әбенов' });
    expect(res.status).toBe(200);
    const job = await res.json();
    expect(job).toMatchObject({
      state: 'approved',
      decision: { by: { key: 'desk', name: 'Нұрлан Әбенов', role: 'editor' } },
      links: { output: `/api/v1/jobs/${held}/output` },
    });
    await problem(await post(`/api/v1/jobs/${held}/approve`, EDITOR, {}), 409, 'job_state');

    const out = await get(`/api/v1/jobs/${held}/output`, PIPE);
    expect([out.status, out.headers.get('content-type')]).toEqual([200, 'image/jpeg']);
    expect(out.headers.get('content-disposition')).toContain("filename*=UTF-8''%D0%A1%D1%83%D1%80%D0%B5%D1%82.jpg");
    const bytes = Buffer.from(await out.arrayBuffer());
    expect(Buffer.from(await (await get(`/api/v1/jobs/${held}/output`, EDITOR)).arrayBuffer()).equals(bytes)).toBe(true);
    await problem(await get(`/api/v1/jobs/${held}/output`, OTHER), 404, 'not_found');

    const reader = await Reader.fromAsset({ buffer: bytes, mimeType: 'image/jpeg' }, { verify: { remote_manifest_fetch: false } } as never);
    const store = reader!.json() as Record<string, any>;
    expect(store.validation_state).toBe('Valid');
    const review = store.manifests[store.active_manifest].assertions.find((a: { label: string }) => a.label === 'kz.labeller.review');
    expect(review.data).toMatchObject({
      reviewer: 'desk',
      reviewerName: 'Нұрлан Әбенов',
      role: 'editor',
      decision: 'approved',
      wording: { ru: 'Создано с помощью ИИ, проверено редакцией' },
    });

    const fd = new FormData();
    fd.append('file', new Blob([new Uint8Array(bytes)]), 'out.jpg');
    fd.append('ocr', 'false');
    const report = await (await fetch(`${srv.url}/api/v1/verify`, { method: 'POST', body: fd })).json();
    expect(report.review).toMatchObject({ reviewer: 'desk', decision: 'approved', signer: 'own' });
    expect(report.summary.en).toMatch(/Reviewed by the editors on \d{4}-\d{2}-\d{2}/);
  });

  it('a rejected job is unreachable by any route', async () => {
    const id = (await (await submit(srv)).json()).id;
    await problem(await post(`/api/v1/jobs/${id}/reject`, EDITOR, {}), 400, 'bad_option');
    await problem(await post(`/api/v1/jobs/${id}/reject`, PIPE, { reason: 'mine' }), 403, 'role_required');
    // A form body works as well as JSON.
    const res = await fetch(`${srv.url}/api/v1/jobs/${id}/reject`, {
      method: 'POST',
      headers: auth(EDITOR),
      body: new URLSearchParams({ reason: 'Фото не соответствует тексту' }),
    });
    expect((await res.json()).state).toBe('rejected');
    for (const key of [PIPE, EDITOR, BOSS]) {
      await problem(await get(`/api/v1/jobs/${id}/output`, key), 409, 'job_state');
      await problem(await get(`/api/v1/jobs/${id}/preview/after`, key === PIPE ? EDITOR : key), 409, 'job_state');
    }
    await problem(await post(`/api/v1/jobs/${id}/approve`, BOSS, {}), 409, 'job_state');
    await problem(await get(`/api/v1/jobs/${encodeURIComponent('../jobs/x')}/output`, BOSS), 404, 'not_found');
  });

  it('labellers read their own records; the whole record, review rows included, is the admin’s', async () => {
    const mine = await (await get('/api/v1/records?limit=1000', PIPE)).json();
    expect(mine.items.length).toBeGreaterThan(0);
    expect(new Set(mine.items.map((r: { actor: string }) => r.actor))).toEqual(new Set(['pipeline']));
    await problem(await get('/api/v1/records?actor=desk', PIPE), 403, 'role_required');
    const reviews = await (await get('/api/v1/records?type=review&limit=1000', BOSS)).json();
    expect(reviews.items.map((r: { data: { event: string } }) => r.data.event).sort()).toEqual(['approved', 'rejected', 'submitted', 'submitted']);
    const deskRow = reviews.items.find((r: { actor: string }) => r.actor === 'desk');
    await problem(await get(`/api/v1/records/${deskRow.id}`, PIPE), 404, 'not_found');
    expect((await get(`/api/v1/records/${deskRow.id}`, EDITOR)).status).toBe(200);
  });

  it('REVIEW_REQUIRED=true holds every label, whatever the request says', async () => {
    await srv.close();
    srv = await start({ REVIEW_REQUIRED: 'true' });
    const res = await submit(srv, {});
    expect(res.status).toBe(202);
    expect((await res.json()).state).toBe('pending_review');
  });
});
