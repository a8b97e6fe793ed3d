/**
 * Queued labels on one machine (no DATABASE_URL): `Prefer: respond-async` gives 202 and a job at
 * once, the service's own queue labels it, GET /api/v1/jobs/{id} follows it and /output hands out
 * the signed file. A redo (after a crash between the record row and the end) writes no second
 * row and hands out the same bytes; work left unfinished when the service stopped is done after
 * the next start; the work's files leave after WORK_TTL_HOURS.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Reader } from '@contentauth/c2pa-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../src/config.js';
import { expireWork, runLabelWork, workStoreFor } from '../src/core/label-work.js';
import { sha256 } from '../src/domain/hash.js';
import { prefersAsync } from '../src/http/routes/label.js';
import { createLocalQueue } from '../src/queue/local-queue.js';
import { WorkStore } from '../src/queue/work-store.js';
import { startServer, type RunningServer } from '../src/server.js';
import { fixture, tempDir } from './helpers/context.js';

const DESK = 'desk-secret-0123456789abcdef';
const OTHER = 'pipe-secret-abcdef0123456789';
const EDITOR = 'edit-secret-0123456789abcdef';
let config: Config;
let srv: RunningServer;
const image = fixture('images', 'white.jpg');

const auth = (k = DESK) => ({ Authorization: `Bearer ${k}` });
const quiet = () => new Writable({ write: (_c, _e, cb) => cb() });

function form(file: Buffer, name: string, fields: Record<string, string> = {}): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  fd.append('file', new Blob([new Uint8Array(file)]), name);
  return fd;
}

async function queue(file: Buffer, name: string, fields: Record<string, string> = {}, prefer = 'respond-async'): Promise<Response> {
  return fetch(`${srv.url}/api/v1/label`, { method: 'POST', body: form(file, name, fields), headers: { ...auth(), Prefer: prefer } });
}

/** Polls the job until it has ended (done, held or failed). */
async function settled(id: string, key = DESK): Promise<Record<string, unknown>> {
  for (let i = 0; i < 600; i++) {
    const res = await fetch(`${srv.url}/api/v1/jobs/${id}`, { headers: auth(key) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    if (body.state !== 'queued' && body.state !== 'running') return body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${id} did not end`);
}

beforeAll(async () => {
  config = loadConfig({
    DATA_DIR: path.join(tempDir('labeller-queued-'), 'data'),
    PORT: '0',
    HOST: '127.0.0.1',
    API_KEYS: `desk:${DESK},pipeline:${OTHER},chief:${EDITOR}:editor`,
    MAX_CONCURRENT_JOBS: '2',
    RATE_LIMIT_PER_MINUTE: '0',
    WATCH_ENABLED: 'false',
  } as NodeJS.ProcessEnv);
  srv = await startServer({ config, logStream: quiet() });
});

afterAll(async () => {
  await srv?.close();
});

describe('Prefer: respond-async', () => {
  it('is read token by token', () => {
    expect(prefersAsync('respond-async')).toBe(true);
    expect(prefersAsync('return=minimal, RESPOND-ASYNC; x=1')).toBe(true);
    expect(prefersAsync('respond-async=1, wait=10')).toBe(true);
    expect(prefersAsync('return=representation')).toBe(false);
    expect(prefersAsync('respond-asynchronously')).toBe(false);
    expect(prefersAsync(undefined)).toBe(false);
    expect(prefersAsync(`${','.repeat(50_000)}x`)).toBe(false);
  });
});

describe('a queued label', () => {
  it('answers 202 with the job at once, then the signed file, recorded once under the job id', async () => {
    const res = await queue(image, 'white.jpg', { languages: 'kk,ru' });
    expect(res.status).toBe(202);
    expect(res.headers.get('preference-applied')).toBe('respond-async');
    const first = (await res.json()) as { id: string; state: string; links: { self: string } };
    expect(first.id).toMatch(/^job-[0-9a-f-]{36}$/);
    expect(res.headers.get('location')).toBe(`/api/v1/jobs/${first.id}`);
    expect(first).toMatchObject({ kind: 'label', state: 'queued', fileName: 'white.jpg', links: { self: `/api/v1/jobs/${first.id}` } });

    const done = (await settled(first.id)) as { state: string; attempts: number; output: { sha256: string; recordId: string }; links: { output: string } };
    expect(done).toMatchObject({ state: 'done', attempts: 1, links: { output: `/api/v1/jobs/${first.id}/output` } });
    const out = await fetch(`${srv.url}${done.links.output}`, { headers: auth() });
    expect(out.status).toBe(200);
    expect(out.headers.get('content-type')).toBe('image/jpeg');
    expect(out.headers.get('content-disposition')).toContain('white');
    expect(out.headers.get('x-record-id')).toBe(done.output.recordId);
    const bytes = Buffer.from(await out.arrayBuffer());
    expect(sha256(bytes)).toBe(done.output.sha256);
    const reader = await Reader.fromAsset({ buffer: bytes, mimeType: 'image/jpeg' }, { verify: { remote_manifest_fetch: false } } as never);
    expect(['Valid', 'Trusted']).toContain(reader?.json().validation_state);

    // The API description names every field the job has.
    const doc = (await (await fetch(`${srv.url}/api/openapi.json`)).json()) as {
      components: { schemas: { QueuedLabel: { properties: Record<string, unknown> } } };
      paths: Record<string, { post: { parameters: { name: string }[] } }>;
    };
    expect(Object.keys(done).filter((k) => !(k in doc.components.schemas.QueuedLabel.properties))).toEqual([]);
    expect(doc.paths['/api/v1/label'].post.parameters.map((p) => p.name)).toContain('Prefer');

    const row = await srv.ctx.records!.findByJob!(first.id);
    expect(row?.id).toBe(done.output.recordId);
    expect(row?.outputSha256).toBe(done.output.sha256);
    // The upload itself is not kept once the work has ended.
    expect(fs.existsSync(path.join(config.dataDir, 'work', first.id, 'input'))).toBe(false);
  });

  it('labels a text the same way', async () => {
    const res = await queue(Buffer.from('# Жаңалық\n\nМәтінді жасанды интеллект жазды.\n'), 'news.md');
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const done = (await settled(id)) as { state: string };
    expect(done.state).toBe('done');
    const out = await fetch(`${srv.url}/api/v1/jobs/${id}/output`, { headers: auth() });
    expect(out.status).toBe(200);
    const text = await out.text();
    expect(text).toContain('Жаңалық');
    expect(text).toMatch(/ЖИ|ИИ/);
  });

  it('refuses a wrong option at once (400), before anything is kept or queued', async () => {
    const before = fs.readdirSync(path.join(config.dataDir, 'work')).length;
    const res = await queue(image, 'white.jpg', { languages: 'xx' });
    expect(res.status).toBe(400);
    expect(fs.readdirSync(path.join(config.dataDir, 'work')).length).toBe(before);
  });

  it("ends a file the labeller cannot read as failed, with the reason, after one attempt (the file's fault is not retried)", async () => {
    const res = await queue(Buffer.from('not an image at all, just words'), 'photo.jpg');
    const { id } = (await res.json()) as { id: string };
    const failed = (await settled(id)) as { state: string; attempts: number; error: { code: string; reason: string } };
    expect(failed).toMatchObject({ state: 'failed', attempts: 1 });
    expect(failed.error.code).not.toBe('internal');
    expect(failed.error.reason).toMatch(/\w+/);
    const out = await fetch(`${srv.url}/api/v1/jobs/${id}/output`, { headers: auth() });
    expect(out.status).toBe(409);
  });

  it('shows a job to its submitter and to editors, to no other key', async () => {
    const { id } = (await (await queue(image, 'white.jpg')).json()) as { id: string };
    await settled(id);
    expect((await fetch(`${srv.url}/api/v1/jobs/${id}`, { headers: auth(OTHER) })).status).toBe(404);
    expect((await fetch(`${srv.url}/api/v1/jobs/${id}/output`, { headers: auth(OTHER) })).status).toBe(404);
    expect((await fetch(`${srv.url}/api/v1/jobs/${id}`)).status).toBe(401);
    expect((await fetch(`${srv.url}/api/v1/jobs/${id}`, { headers: auth(EDITOR) })).status).toBe(200);
    expect((await fetch(`${srv.url}/api/v1/jobs/job-00000000-0000-4000-8000-000000000000`, { headers: auth() })).status).toBe(404);
  });

  it('held for review: the queued job becomes the review job of the same id', async () => {
    const { id } = (await (await queue(image, 'white.jpg', { review: 'required' })).json()) as { id: string };
    const held = await settled(id);
    expect(held).toMatchObject({ id, state: 'pending_review' });
  });
});

describe('once in effect', () => {
  it('a redo after a crash between the record row and the end reuses the kept label: no second row, the same bytes', async () => {
    const { id } = (await (await queue(image, 'white.jpg')).json()) as { id: string };
    const done = (await settled(id)) as { output: { sha256: string; recordId: string } };
    const store = workStoreFor(config.dataDir);
    // The crash: the result and the input are as they were before the end was written.
    fs.rmSync(path.join(store.dirOf(id), 'result.json'));
    fs.writeFileSync(path.join(store.dirOf(id), 'input'), image);
    const rows = async () => (await srv.ctx.records!.list({ limit: 1000 })).items.filter((r) => r.id === done.output.recordId).length;
    expect(await rows()).toBe(1);
    await runLabelWork(id, srv.ctx);
    await runLabelWork(id, srv.ctx);
    const again = (await settled(id)) as { state: string; output: { sha256: string; recordId: string } };
    expect(again).toMatchObject({ state: 'done', output: { sha256: done.output.sha256, recordId: done.output.recordId } });
    expect(await rows()).toBe(1);
  });

  it('work the service had not finished when it stopped is done after the next start', async () => {
    const ctxConfig = { ...config, port: 0 };
    const store = new WorkStore(config.dataDir);
    const id = WorkStore.newId();
    // Kept and committed, but never taken: the process ended before its queue ran it.
    await store.create(
      {
        v: 1,
        id,
        createdAt: new Date().toISOString(),
        submitter: { actor: 'desk', door: 'rest' },
        fileName: 'white.jpg',
        fields: {},
        inputBytes: image.length,
      },
      image,
    );
    await srv.close();
    srv = await startServer({ config: ctxConfig, logStream: quiet() });
    expect(await settled(id)).toMatchObject({ state: 'done' });
  });
});

describe('the local queue', () => {
  it('retries a handler that throws, then gives up; sending an id twice runs it once', async () => {
    const q = createLocalQueue({ retryDelayMs: 1 });
    const seen: string[] = [];
    await q.work('label', 1, async (id) => {
      seen.push(id);
      if (id === 'bad') throw new Error('disk on fire');
    });
    await q.send('label', 'ok');
    await q.send('label', 'ok');
    await q.send('label', 'bad');
    for (let i = 0; i < 200 && (await q.status('label', 'bad'))?.state !== 'failed'; i++) await new Promise((r) => setTimeout(r, 5));
    expect(await q.status('label', 'ok')).toEqual({ state: 'done', attempts: 1 });
    expect(await q.status('label', 'bad')).toEqual({ state: 'failed', attempts: 4 });
    expect(seen.filter((s) => s === 'ok')).toHaveLength(1);
    await q.stop();
  });
});

describe('the work files', () => {
  it('leave WORK_TTL_HOURS after the work ended', async () => {
    const { id } = (await (await queue(image, 'white.jpg')).json()) as { id: string };
    await settled(id);
    const dir = workStoreFor(config.dataDir).dirOf(id);
    expect(fs.existsSync(dir)).toBe(true);
    await expireWork(srv.ctx, Date.now() + (config.workTtlHours - 1) * 3_600_000);
    expect(fs.existsSync(dir)).toBe(true);
    await expireWork(srv.ctx, Date.now() + (config.workTtlHours + 1) * 3_600_000);
    expect(fs.existsSync(dir)).toBe(false);
    expect((await fetch(`${srv.url}/api/v1/jobs/${id}`, { headers: auth() })).status).toBe(404);
  });

  it('of work that never ended (the queue gave up) leave seven TTLs after it was sent, not before', async () => {
    const store = new WorkStore(config.dataDir);
    const id = WorkStore.newId();
    const createdAt = new Date().toISOString();
    await store.create({ v: 1, id, createdAt, submitter: { actor: 'desk', door: 'rest' }, fileName: 'x.jpg', fields: {}, inputBytes: 3 }, Buffer.from('abc'));
    await expireWork(srv.ctx, Date.now() + 6 * config.workTtlHours * 3_600_000);
    expect(fs.existsSync(store.dirOf(id))).toBe(true);
    await expireWork(srv.ctx, Date.now() + 8 * config.workTtlHours * 3_600_000);
    expect(fs.existsSync(store.dirOf(id))).toBe(false);
  });
});
