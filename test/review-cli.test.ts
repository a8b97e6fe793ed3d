/**
 * The review workflow from the command line, each step its own process (so every step is a
 * restart): `label --review` prints a job id and writes nothing; `review list|approve|reject`
 * act as the local operator; the released file verifies with the review inside; a rejected
 * job's file cannot be had; `records check` passes and counts the review rows.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { tempDir } from './helpers/context.js';

let work: string;
let env: Record<string, string>;
let photo: string;

beforeAll(async () => {
  work = tempDir('labeller-review-cli-');
  env = { DATA_DIR: path.join(work, 'data') };
  photo = path.join(work, 'photo.jpg');
  fs.writeFileSync(
    photo,
    await sharp({ create: { width: 600, height: 400, channels: 3, background: '#556b2f' } })
      .jpeg()
      .toBuffer(),
  );
});

describe('labeller label --review, labeller review', () => {
  it('holds the file, approves it with the reviewed wording, and the output verifies with the review inside', () => {
    const out = path.join(work, 'photo.labelled.jpg');
    const held = runCli(['label', photo, '-o', out, '--review', '--ai-system', 'Midjourney'], env);
    expect(held.code).toBe(0);
    const [id, input, state] = held.stdout.trim().split('\t');
    expect([input, state]).toEqual([photo, 'pending_review']);
    expect(id).toMatch(/^job-/);
    expect(held.stderr).toContain(`held for review as job ${id}`);
    expect(fs.existsSync(out)).toBe(false);

    const list = runCli(['review', 'list'], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`${id}\tpending_review`);
    // Not released while pending.
    expect(runCli(['review', 'output', id, '-o', out], env).code).toBe(2);
    expect(fs.existsSync(out)).toBe(false);

    const approved = runCli(['review', 'approve', id, '--wording', 'reviewed', '--name', 'Desk editor', '-o', out, '--json'], env);
    expect(approved.code).toBe(0);
    expect(JSON.parse(approved.stdout)).toMatchObject({ id, state: 'approved', decision: { by: { key: 'cli', role: 'admin', name: 'Desk editor' } } });
    expect(runCli(['review', 'approve', id], env).code).toBe(2); // decided once

    const verified = runCli(['verify', out, '--json', '--no-ocr'], env);
    expect(verified.code).toBe(0);
    const report = JSON.parse(verified.stdout);
    expect(report.c2pa.state).toBe('valid');
    expect(report.review).toMatchObject({ reviewer: 'cli', reviewerName: 'Desk editor', role: 'admin', decision: 'approved', signer: 'own' });
    expect(report.review.wording).toEqual({ kk: 'ЖИ көмегімен жасалған, редакция тексерген', ru: 'Создано с помощью ИИ, проверено редакцией' });
    expect(report.summary.en).toMatch(/Reviewed by the editors on/);
  });

  it('a rejected file cannot be had; the reason is required and recorded', () => {
    const held = runCli(['label', photo, '-o', path.join(work, 'x.jpg'), '--review'], env);
    const id = held.stdout.split('\t')[0];
    const noReason = runCli(['review', 'reject', id], env);
    expect(noReason.code).toBe(2);
    expect(runCli(['review', 'reject', id, '--reason', 'Wrong picture'], env).code).toBe(0);
    const out = path.join(work, 'rejected.jpg');
    const r = runCli(['review', 'output', id, '-o', out], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/rejected/);
    expect(fs.existsSync(out)).toBe(false);
    expect(runCli(['review', 'list', '--state', 'rejected'], env).stdout).toContain(id);
  });

  it('REVIEW_REQUIRED=true holds a plain label too', () => {
    const out = path.join(work, 'plain.jpg');
    const r = runCli(['label', photo, '-o', out], { ...env, REVIEW_REQUIRED: 'true' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^job-\S+\t.*\tpending_review/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('records check passes and counts the review rows; records list shows them', () => {
    const check = runCli(['records', 'check', '--json'], env);
    expect(check.code).toBe(0);
    const c = JSON.parse(check.stdout);
    expect(c.intact).toBe(true);
    expect(c.types).toMatchObject({ label: 1, review: 5 }); // 3 submitted, 1 approved, 1 rejected
    expect(runCli(['records', 'check'], env).stdout).toMatch(
      /^intact: \d+ records; head hash [0-9a-f]{64}\n {2}1 labels, \d+ verifications, 5 review events\n/,
    );
    const rows = runCli(['records', 'list', '--type', 'review'], env).stdout.trim().split('\n');
    expect(rows.map((l) => l.split('\t')[7]).sort()).toEqual(['approved', 'rejected', 'submitted', 'submitted', 'submitted']);
  });
});
