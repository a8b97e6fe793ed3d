/**
 * One claimed file, from the work area to its final place:
 *   1. produce: label (or verify) and record the input; a fault of the file becomes a failure with
 *      a reason, a fault of the machine (disk full) stops the job so it is redone later;
 *   2. prepare: write every output under a temporary name in its destination folder;
 *   3. commit: journal the list of renames, then do them (outputs, then the original);
 *   4. forget: remove the job folder.
 * A crash before 3 redoes the job from its input; a crash after 3 replays the renames.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { labelKept, type KeptFiles } from '../core/kept-label.js';
import { verify } from '../core/verify.js';
import { parseLabelOptions, textFormatFromName, type LabelOptions } from '../core/options.js';
import { reviewRequested, submitForReview, type Job } from '../core/review.js';
import type { VerifyPolicy } from '../domain/report.js';
import type { Actor, CoreContext, LabelRecord } from '../core/types.js';
import { LabellerError, errorMessage } from '../domain/errors.js';
import { copyDurable, writeDurable } from './durable.js';
import { RefusedEntry, readRegularFile } from './entry.js';
import { isMachineFault } from '../domain/faults.js';
import type { CrashPoint, JobHooks } from './hooks.js';
import { INPUT, SIDECAR, applyMoves, exists, jobDir, writeJournal, type Journal, type Move } from './journal.js';
import { FOLDERS, tempName } from './layout.js';
import { PRESETS, presetNames } from './presets.js';

export interface JobDeps {
  ctx: CoreContext;
  hooks?: JobHooks;
  verifyPolicy?: VerifyPolicy;
  /** Final paths promised to jobs still running, so two same-named files never collide. */
  reserved?: Set<string>;
}

export interface JobResult {
  outcome: 'done' | 'failed';
  /** The name the file got in its destination folders. */
  finalName: string;
  error?: { code: string; reason: string };
  /** The review job when the file was held for an editor (its ticket is in review/). */
  held?: string;
}

type Produced =
  | { kind: 'label'; bytes: Buffer; record: LabelRecord }
  /** Held for an editor's review: a ticket in review/, released later (review-release.ts). */
  | { kind: 'held'; job: Job }
  | { kind: 'verify'; report: object }
  /** The file's fault; `input` is its bytes when they were read (kept in originals/ too). */
  | { kind: 'failed'; code: string; reason: string; input?: Buffer }
  /** Not a regular file with one name: moved to failed/ as it is, never read or copied. */
  | { kind: 'refused'; code: string; reason: string };

/** A label saved in the work area before it is recorded (see core/kept-label.ts). */
const OUTPUT = 'output';
const OUTPUT_RECORD = 'output.json';
const MAX_SIDECAR_BYTES = 64 * 1024;

export async function processJob(root: string, j: Journal, deps: JobDeps): Promise<JobResult> {
  const at = (p: CrashPoint) => deps.hooks?.at?.(p);
  const dir = jobDir(root, j.id);
  const produced = await produce(root, dir, j, deps);
  if (produced.kind === 'label' || produced.kind === 'verify' || produced.kind === 'held') at('job:produced');
  const hasSidecar = await exists(path.join(dir, SIDECAR));
  const reserved = deps.reserved ?? new Set<string>();

  // Outputs first, each under a temporary name; nothing visible changes yet.
  const writes: { folder: string; bytes: Buffer | string; to: string }[] = [];
  const copies: { folder: string; from: string; to: string }[] = [];
  const renames: { from: string; to: string }[] = [];
  let targets: (n: string) => string[];
  if (produced.kind === 'label') {
    targets = (n) => [
      `${FOLDERS.outbox}/${n}`,
      `${FOLDERS.outbox}/${n}.json`,
      `${FOLDERS.originals}/${n}`,
      ...(hasSidecar ? [`${FOLDERS.originals}/${n}.json`] : []),
    ];
  } else if (produced.kind === 'held') {
    targets = (n) => [`${FOLDERS.review}/${n}.json`, `${FOLDERS.originals}/${n}`, ...(hasSidecar ? [`${FOLDERS.originals}/${n}.json`] : [])];
  } else if (produced.kind === 'verify') {
    targets = (n) => [`${FOLDERS.reports}/${n}.json`, `${FOLDERS.originals}/${n}`];
  } else if (produced.kind === 'failed') {
    targets = (n) => [
      `${FOLDERS.failed}/${n}.error.json`,
      `${FOLDERS.originals}/${n}`,
      `${FOLDERS.failed}/${n}`,
      ...(hasSidecar ? [`${FOLDERS.failed}/${n}.json`] : []),
    ];
  } else {
    // Not a regular file: the entry itself (the link, not what it points to) goes to failed/; nothing is copied.
    targets = (n) => [`${FOLDERS.failed}/${n}.error.json`, `${FOLDERS.failed}/${n}`, ...(hasSidecar ? [`${FOLDERS.failed}/${n}.json`] : [])];
  }
  const finalName = await pickName(root, j.name, targets, reserved);
  const [t0, t1, t2, t3] = targets(finalName);
  const input = `${FOLDERS.work}/${j.id}/${INPUT}`;
  const sidecar = `${FOLDERS.work}/${j.id}/${SIDECAR}`;
  if (produced.kind === 'label') {
    writes.push({ folder: FOLDERS.outbox, bytes: produced.bytes, to: t0 }, { folder: FOLDERS.outbox, bytes: json(produced.record), to: t1 });
    renames.push({ from: input, to: t2 });
    if (hasSidecar) renames.push({ from: sidecar, to: t3 });
  } else if (produced.kind === 'held') {
    writes.push({ folder: FOLDERS.review, bytes: json(reviewTicket(produced.job)), to: t0 });
    renames.push({ from: input, to: t1 });
    if (hasSidecar) renames.push({ from: sidecar, to: t2 });
  } else if (produced.kind === 'verify') {
    writes.push({ folder: FOLDERS.reports, bytes: json(produced.report), to: t0 });
    renames.push({ from: input, to: t1 });
  } else {
    const error = {
      file: j.name,
      code: produced.code,
      reason: produced.reason,
      droppedIn: path.dirname(j.source),
      preset: j.preset,
      failedAt: new Date().toISOString(),
    };
    writes.push({ folder: FOLDERS.failed, bytes: json(error), to: t0 });
    if (produced.kind === 'failed') {
      // The original is kept twice: in failed/ to retry it, in originals/ as the archive copy.
      if (produced.input) writes.push({ folder: FOLDERS.originals, bytes: produced.input, to: t1 });
      else copies.push({ folder: FOLDERS.originals, from: input, to: t1 }); // too large to hold in memory
      renames.push({ from: input, to: t2 });
      if (hasSidecar) renames.push({ from: sidecar, to: t3 });
    } else {
      renames.push({ from: input, to: t1 });
      if (hasSidecar) renames.push({ from: sidecar, to: t2 });
    }
  }
  try {
    const moves: Move[] = [];
    for (const w of writes) {
      const tmp = `${w.folder}/${tempName(j.id, moves.length)}`;
      await writeDurable(path.join(root, tmp), w.bytes);
      moves.push({ from: tmp, to: w.to });
    }
    for (const c of copies) {
      const tmp = `${c.folder}/${tempName(j.id, moves.length)}`;
      await copyDurable(path.join(root, c.from), path.join(root, tmp));
      moves.push({ from: tmp, to: c.to });
    }
    at('job:temps-written');
    moves.push(...renames);
    await writeJournal(root, {
      ...j,
      state: 'commit',
      outcome: produced.kind === 'label' || produced.kind === 'verify' || produced.kind === 'held' ? 'done' : 'failed',
      moves,
    });
    at('job:commit-journal-written');
    await applyMoves(root, moves, (i) => i === 0 && at('job:first-move-done'));
    at('job:moves-done');
    await fs.rm(dir, { recursive: true, force: true });
  } finally {
    for (const t of targets(finalName)) reserved.delete(t);
  }
  if (produced.kind === 'held') return { outcome: 'done', finalName, held: produced.job.id };
  if (produced.kind === 'label' || produced.kind === 'verify') return { outcome: 'done', finalName };
  return { outcome: 'failed', finalName, error: { code: produced.code, reason: produced.reason } };
}

async function produce(root: string, dir: string, j: Journal, deps: JobDeps): Promise<Produced> {
  const { ctx } = deps;
  // The job id makes the record write idempotent: a job redone after a crash finds its row.
  const actor: Actor = { actor: 'watch', door: 'watch', jobId: j.id };
  let input: Buffer | undefined;
  try {
    const read = await readRegularFile(path.join(dir, INPUT), `"${j.name}"`, ctx.config.maxUploadBytes);
    if ('refused' in read) return { kind: 'refused', ...read.refused };
    if ('tooLarge' in read) {
      throw new LabellerError(
        'too_large',
        `the file is ${(read.tooLarge / 1e6).toFixed(1)} MB, above the limit of ${(ctx.config.maxUploadBytes / 1e6).toFixed(0)} MB`,
      );
    }
    input = read.bytes;
    if (j.mode === 'label' && /\.json$/i.test(j.name)) {
      throw new LabellerError(
        'bad_option',
        `a .json file in the inbox holds label options for the file of the same name (photo.jpg.json for photo.jpg), and no such file arrived`,
      );
    }
    if (j.mode === 'verify') {
      const report = await verify(input, { ...deps.verifyPolicy, textFormat: textFormatFromName(j.name), fileName: j.name }, ctx, actor);
      return { kind: 'verify', report: { ...report, file: j.name } };
    }
    const options = parseLabelOptions({ ...presetOptions(j.preset), ...(await sidecarOptions(dir, j)) });
    if (reviewRequested(options, ctx)) {
      // The watch job's id names the review job: a job redone after a crash finds it instead of holding the file twice.
      const held = await submitForReview(input, watchLabelOptions(options, j), ctx, actor, { id: `watch-${j.id}`, watch: { root, name: j.name } });
      return { kind: 'held', job: held };
    }
    // A label made before a crash is reused, so the record row and the published file stay the same bytes.
    const made = await labelKept(keptFiles(dir), input, watchLabelOptions(options, j), ctx, actor);
    return { kind: 'label', ...made };
  } catch (err) {
    // The machine's fault (disk full...), not the file's: the job stops and is redone later.
    if (isMachineFault(err)) throw err;
    if (err instanceof RefusedEntry) return { kind: 'failed', ...err.refusal, input };
    if (err instanceof LabellerError) return { kind: 'failed', code: err.code, reason: err.message, input };
    return { kind: 'failed', code: 'internal', reason: `the labeller failed on this file: ${errorMessage(err)}`, input };
  }
}

function keptFiles(dir: string): KeptFiles {
  return { output: path.join(dir, OUTPUT), record: path.join(dir, OUTPUT_RECORD) };
}

function watchLabelOptions(options: LabelOptions, j: Journal): LabelOptions & { fileName: string } {
  return { ...options, title: options.title ?? j.name, textFormat: options.textFormat ?? textFormatFromName(j.name), fileName: j.name };
}

/** What review/<name>.json says while the file waits for an editor. */
function reviewTicket(job: Job): Record<string, unknown> {
  return {
    file: job.watch?.name ?? job.fileName,
    job: job.id,
    state: job.state,
    submittedAt: job.createdAt,
    expiresAt: job.expiresAt,
    next: `An editor approves it (then it is released to outbox/) or rejects it (then failed/ says why): on the Review page, with POST /api/v1/jobs/${job.id}/approve or /reject, or with labeller review approve|reject ${job.id}.`,
  };
}

function presetOptions(preset: string | undefined): Record<string, unknown> {
  if (preset === undefined) return {};
  const options = PRESETS[preset];
  if (!options) throw new LabellerError('bad_option', `the folder inbox/${preset}/ is not a preset; use one of: ${presetNames()}`);
  return options;
}

async function sidecarOptions(dir: string, j: Journal): Promise<Record<string, unknown>> {
  const file = path.join(dir, SIDECAR);
  if (!(await exists(file))) return {};
  const name = path.basename(j.sidecarSource ?? 'the options file');
  const read = await readRegularFile(file, `the options file ${name}`, MAX_SIDECAR_BYTES);
  if ('refused' in read) throw new RefusedEntry(read.refused);
  if ('tooLarge' in read)
    throw new LabellerError('bad_option', `the options file ${name} is larger than ${MAX_SIDECAR_BYTES / 1024} KB; label options fit in a few lines`);
  let raw: unknown;
  try {
    raw = JSON.parse(read.bytes.toString('utf8').replace(/^\uFEFF/, ''));
  } catch (err) {
    // Only the position: the parser's message quotes the file's text, which is not ours to echo.
    const at = /position (\d+)/.exec(errorMessage(err))?.[1];
    throw new LabellerError('bad_option', `the options file ${name} is not valid JSON${at ? ` (at character ${at})` : ''}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new LabellerError('bad_option', `the options file ${name} must hold a JSON object such as {"languages": "kk,ru"}`);
  return raw as Record<string, unknown>;
}

/** The dropped name if all its targets are free, else `name-2.ext`, `name-3.ext`... */
async function pickName(root: string, name: string, targets: (n: string) => string[], reserved: Set<string>): Promise<string> {
  const { name: stem, ext } = path.parse(name);
  for (let k = 1; ; k++) {
    const candidate = k === 1 ? name : `${stem}-${k}${ext}`;
    const paths = targets(candidate);
    if (paths.some((p) => reserved.has(p))) continue;
    const taken = await Promise.all(paths.map((p) => exists(path.join(root, p))));
    if (taken.some(Boolean)) continue;
    for (const p of paths) reserved.add(p);
    return candidate;
  }
}

function json(x: object): string {
  return JSON.stringify(x, null, 2) + '\n';
}
