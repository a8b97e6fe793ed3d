/**
 * Human oversight in the core: a held file is released only by an editor, signed again with the
 * review inside its manifest (read back with c2pa-node), every event a row of the hash-chained
 * record; rejected and pending files are never released; a restart or a crash between the
 * decision and its application loses nothing; undecided drafts expire.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Reader } from '@contentauth/c2pa-node';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { approveJob, expireJobs, getJob, jobOutput, jobPreview, listJobs, rejectJob, submitForReview, type Caller } from '../src/core/review.js';
import type { CoreContext } from '../src/core/types.js';
import { verify } from '../src/core/verify.js';
import { checkRecord, type RecordStore } from '../src/registry/index.js';
import { createContext } from '../src/startup.js';
import { tempDir } from './helpers/context.js';
import { schemaErrors } from './helpers/verify-kit.js';

const EDITOR: Caller = { key: 'desk-editor', role: 'editor', door: 'rest', name: 'Айгерім Сәрсенова' };
const PIPELINE: Caller = { key: 'pipeline', role: 'labeller', door: 'rest' };
const SUBMITTER = { actor: 'pipeline', door: 'rest' as const };

let dataDir: string;
let ctx: CoreContext;
let picture: Buffer;

async function open(env: Record<string, string> = {}): Promise<CoreContext> {
  return createContext({ config: loadConfig({ DATA_DIR: dataDir, ...env } as NodeJS.ProcessEnv) });
}

async function code(p: Promise<unknown>): Promise<string | undefined> {
  return p.then(
    () => undefined,
    (err: { code?: string }) => err.code,
  );
}

async function manifestOf(bytes: Buffer, mimeType: string): Promise<Record<string, any>> {
  const reader = await Reader.fromAsset({ buffer: bytes, mimeType }, { verify: { remote_manifest_fetch: false } } as never);
  const store = reader!.json() as Record<string, any>;
  return { state: store.validation_state, ...store.manifests[store.active_manifest] };
}

beforeAll(async () => {
  dataDir = tempDir('labeller-review-');
  ctx = await open();
  picture = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#3a6ea5' } })
    .jpeg()
    .toBuffer();
});

describe('an editor signs off before an AI file is released', () => {
  it('holds the draft, refuses a labeller, and releases it signed with the review inside', async () => {
    const job = await submitForReview(picture, { aiSystem: 'Midjourney', prompt: 'steppe at dawn', fileName: 'steppe.jpg' }, ctx, SUBMITTER);
    expect(job).toMatchObject({
      state: 'pending_review',
      fileName: 'steppe.jpg',
      kind: 'image',
      submitter: SUBMITTER,
      draft: { aiSystem: 'Midjourney', prompt: 'steppe at dawn' },
    });
    // Not released while pending, whoever asks; the editor sees a small preview, not the file.
    expect(await code(jobOutput(job.id, PIPELINE, ctx))).toBe('job_state');
    expect(await code(jobOutput(job.id, EDITOR, ctx))).toBe('job_state');
    expect(await code(jobPreview(job.id, 'after', PIPELINE, ctx))).toBe('role_required');
    const after = await jobPreview(job.id, 'after', EDITOR, ctx);
    expect(after.mimeType).toBe('image/jpeg');
    // A preview carries no manifest: it is not the file.
    expect(await Reader.fromAsset({ buffer: after.bytes, mimeType: 'image/jpeg' }).catch(() => null)).toBeNull();

    // A pipeline key cannot approve its own file.
    expect(await code(approveJob(job.id, PIPELINE, {}, ctx))).toBe('role_required');

    const approved = await approveJob(job.id, EDITOR, { wording: 'reviewed', reviewerName: EDITOR.name }, ctx);
    expect(approved.state).toBe('approved');
    expect(approved.decision).toMatchObject({ decision: 'approved', by: { key: 'desk-editor', name: EDITOR.name, role: 'editor' } });
    // Decided once: a second decision is refused.
    expect(await code(approveJob(job.id, EDITOR, {}, ctx))).toBe('job_state');
    expect(await code(rejectJob(job.id, EDITOR, 'too late', ctx))).toBe('job_state');

    // Released to its submitter and to editors, not to another labeller (who does not even learn it exists).
    const { bytes } = await jobOutput(job.id, PIPELINE, ctx);
    expect((await jobOutput(job.id, EDITOR, ctx)).bytes.equals(bytes)).toBe(true);
    expect(await code(jobOutput(job.id, { key: 'other', role: 'labeller' }, ctx))).toBe('not_found');

    const m = await manifestOf(bytes, 'image/jpeg');
    expect(m.state).toBe('Valid');
    const review = m.assertions.find((a: { label: string }) => a.label === 'kz.labeller.review').data;
    expect(review).toMatchObject({ jobId: job.id, decision: 'approved', reviewer: 'desk-editor', reviewerName: EDITOR.name, role: 'editor' });
    expect(review.wording).toEqual({ kk: 'ЖИ көмегімен жасалған, редакция тексерген', ru: 'Создано с помощью ИИ, проверено редакцией' });
    const actions = m.assertions.find((a: { label: string }) => /^c2pa\.actions/.test(a.label)).data.actions;
    // The watermark is part of the labelling (issue 17); the approval is the last action.
    expect(actions.map((a: { action: string }) => a.action)).toEqual(['c2pa.created', 'c2pa.edited', 'c2pa.watermarked', 'c2pa.published']);
    expect(actions.at(-1).parameters['kz.labeller.reviewer']).toMatchObject({ identifier: 'desk-editor', role: 'editor' });
    const warning = m.assertions.find((a: { label: string }) => a.label === 'kz.labeller.visible-warning').data;
    expect(warning.wording.ru).toBe('Создано с помощью ИИ, проверено редакцией');

    // Verify reports the review, in the schema, and says so in three languages.
    const report = await verify(bytes, { ocr: false }, ctx);
    expect(report.c2pa.state).toBe('valid');
    expect(report.compliance.compliant).toBe(true);
    expect(report.review).toMatchObject({ reviewer: 'desk-editor', decision: 'approved', signer: 'own', at: review.at });
    expect(report.summary.en).toContain(`Reviewed by the editors on ${review.at.slice(0, 10)}`);
    expect(report.summary.ru).toContain('Проверено редакцией');
    expect(report.summary.kk).toContain('Редакция');
    const schema = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../schema/verify-report.schema.json'), 'utf8'));
    expect(schemaErrors(report, schema)).toEqual([]);

    // The record: submitted and approved rows, the label row of the released file, chain intact.
    const rows = await ctx.records!.list({ type: 'review' });
    const events = rows.items.filter((r) => r.data.jobId === job.id).map((r) => r.data.event);
    expect(events.sort()).toEqual(['approved', 'submitted']);
    const labelRow = await ctx.records!.get(approved.output!.labelRecordId!);
    expect(labelRow).toMatchObject({ type: 'label', actor: 'pipeline', outputSha256: approved.output!.sha256 });
    expect((labelRow!.data.review as { reviewer: string }).reviewer).toBe('desk-editor');
    expect((await checkRecord(ctx.records as RecordStore)).intact).toBe(true);
  });

  it('a rejected file is never released and its draft is deleted', async () => {
    const job = await submitForReview(picture, { fileName: 'bad.jpg' }, ctx, SUBMITTER);
    expect(await code(rejectJob(job.id, EDITOR, '', ctx))).toBe('bad_option'); // a reason is required
    expect(await code(rejectJob(job.id, PIPELINE, 'no', ctx))).toBe('role_required');
    const rejected = await rejectJob(job.id, EDITOR, 'Не тот кадр', ctx);
    expect(rejected).toMatchObject({ state: 'rejected', decision: { reason: 'Не тот кадр', by: { key: 'desk-editor' } } });
    for (const who of [PIPELINE, EDITOR]) expect(await code(jobOutput(job.id, who, ctx))).toBe('job_state');
    expect(await code(jobPreview(job.id, 'after', EDITOR, ctx))).toBe('job_state');
    expect(await code(approveJob(job.id, EDITOR, {}, ctx))).toBe('job_state');
    expect(fs.existsSync(path.join(dataDir, 'review/files', job.id))).toBe(false);
    const row = (await ctx.records!.list({ type: 'review' })).items.find((r) => r.data.jobId === job.id && r.data.event === 'rejected');
    expect(row).toMatchObject({ actor: 'desk-editor', data: { reason: 'Не тот кадр' } });
  });

  it('a restart between submit and approve loses nothing', async () => {
    const md = Buffer.from('# Жаңалық\n\nЖасанды интеллект туралы мәтін. Текст об ИИ.\n');
    const job = await submitForReview(md, { fileName: 'news.md', textFormat: 'md', aiSystem: 'GPT-5' }, ctx, SUBMITTER);
    const text = await jobPreview(job.id, 'after', EDITOR, ctx);
    expect(text.bytes.toString('utf8')).toContain('ЖИ көмегімен жасалған');
    expect(text.bytes.toString('utf8')).not.toMatch(/c2pa/i); // the manifest is cut out of the preview
    await ctx.records!.close();

    ctx = await open();
    expect((await listJobs(EDITOR, ctx, { state: 'pending_review' })).map((j) => j.id)).toContain(job.id);
    const approved = await approveJob(job.id, EDITOR, {}, ctx);
    const { bytes } = await jobOutput(job.id, EDITOR, ctx);
    const report = await verify(bytes, { textFormat: 'md' }, ctx);
    expect(report.c2pa.state).toBe('valid');
    expect(report.review).toMatchObject({ reviewer: 'desk-editor', decision: 'approved' });
    expect(approved.decision?.wording).toEqual({ kk: 'ЖИ көмегімен жасалған', ru: 'Создано с помощью ИИ' });
  });

  it('a crash after the decision is recorded is finished the next time the job is read', async () => {
    const job = await submitForReview(picture, { fileName: 'crash.jpg' }, ctx, SUBMITTER);
    const records = ctx.records!;
    // The process dies right after the decision row is written: the label row write fails.
    const crashing: CoreContext = { ...ctx, records: Object.assign(Object.create(records), { recordLabel: () => Promise.reject(new Error('killed')) }) };
    await expect(approveJob(job.id, EDITOR, {}, crashing)).rejects.toThrow('killed');
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'review/jobs', `${job.id}.json`), 'utf8')).state).toBe('pending_review');
    // Another editor's approval now loses to the recorded one instead of releasing a second file.
    const seen = await getJob(job.id, PIPELINE, ctx);
    expect(seen.state).toBe('approved');
    expect((await jobOutput(job.id, PIPELINE, ctx)).bytes.length).toBeGreaterThan(0);
    const rows = (await records.list({ type: 'review', limit: 1000 })).items.filter((r) => r.data.jobId === job.id);
    expect(rows.map((r) => r.data.event).sort()).toEqual(['approved', 'submitted']);
    expect(
      (await records.list({ type: 'label', limit: 1000 })).items.filter((r) => (r.data.review as { jobId?: string } | undefined)?.jobId === job.id),
    ).toHaveLength(1);
  });

  it('undecided drafts expire after REVIEW_TTL_DAYS, deleted with a record row', async () => {
    const job = await submitForReview(picture, { fileName: 'old.jpg' }, ctx, SUBMITTER);
    expect(await expireJobs(ctx, new Date())).toMatchObject({ expired: 0 });
    const later = new Date(Date.now() + 15 * 86_400_000);
    const r = await expireJobs(ctx, later);
    expect(r.expired).toBeGreaterThanOrEqual(1);
    expect((await getJob(job.id, EDITOR, ctx)).state).toBe('expired');
    expect(fs.existsSync(path.join(dataDir, 'review/files', job.id))).toBe(false);
    expect(await code(approveJob(job.id, EDITOR, {}, ctx))).toBe('job_state');
    const events = (await ctx.records!.list({ type: 'review', limit: 1000 })).items.filter((x) => x.data.jobId === job.id).map((x) => x.data.event);
    expect(events).toContain('expired');
    // Approved outputs are removed as long after their approval, with a 'purged' row.
    expect(r.purged).toBeGreaterThanOrEqual(1);
    // Long-settled jobs leave the store; the record keeps their events.
    expect((await expireJobs(ctx, new Date(Date.now() + 40 * 86_400_000))).forgotten).toBeGreaterThanOrEqual(3);
    expect(await code(getJob(job.id, EDITOR, ctx))).toBe('not_found');
    expect(fs.readdirSync(path.join(dataDir, 'review/jobs'))).toEqual([]);
    expect((await checkRecord(ctx.records as RecordStore)).intact).toBe(true);
  });
});
