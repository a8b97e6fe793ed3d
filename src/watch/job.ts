/**
 * One claimed file, from the work area to its final place:
 *   1. produce: label (or verify) the input; any error becomes a failure with a reason;
 *   2. prepare: write every output under a temporary name in its destination folder;
 *   3. commit: journal the list of renames, then do them (outputs, then the original);
 *   4. forget: remove the job folder.
 * A crash before 3 redoes the job from its input; a crash after 3 replays the renames.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { label } from '../core/label.js';
import { parseLabelOptions, textFormatFromName } from '../core/options.js';
import type { VerifyPolicy } from '../core/report.js';
import type { CoreContext } from '../core/types.js';
import { LabellerError, errorMessage } from '../errors.js';
import type { CrashPoint, JobHooks } from './hooks.js';
import { INPUT, SIDECAR, applyMoves, exists, jobDir, writeJournal, type Journal, type Move } from './journal.js';
import { FOLDERS, tempName } from './layout.js';
import { PRESETS, presetNames } from './presets.js';
import { loadVerify } from './verify-door.js';

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
}

type Produced = { kind: 'label'; bytes: Buffer; record: object } | { kind: 'verify'; report: object } | { kind: 'failed'; code: string; reason: string };

export async function processJob(root: string, j: Journal, deps: JobDeps): Promise<JobResult> {
  const at = (p: CrashPoint) => deps.hooks?.at?.(p);
  const dir = jobDir(root, j.id);
  const produced = await produce(dir, j, deps);
  const hasSidecar = await exists(path.join(dir, SIDECAR));
  const reserved = deps.reserved ?? new Set<string>();

  // Outputs first, each under a temporary name; nothing visible changes yet.
  const writes: { folder: string; bytes: Buffer | string; to: string }[] = [];
  const renames: { from: string; to: string }[] = [];
  let targets: (n: string) => string[];
  if (produced.kind === 'label') {
    targets = (n) => [`${FOLDERS.outbox}/${n}`, `${FOLDERS.outbox}/${n}.json`, `${FOLDERS.originals}/${n}`, ...(hasSidecar ? [`${FOLDERS.originals}/${n}.json`] : [])];
  } else if (produced.kind === 'verify') {
    targets = (n) => [`${FOLDERS.reports}/${n}.json`, `${FOLDERS.originals}/${n}`];
  } else {
    targets = (n) => [`${FOLDERS.failed}/${n}.error.json`, `${FOLDERS.originals}/${n}`, `${FOLDERS.failed}/${n}`, ...(hasSidecar ? [`${FOLDERS.failed}/${n}.json`] : [])];
  }
  const finalName = await pickName(root, j.name, targets, reserved);
  const [t0, t1, t2, t3] = targets(finalName);
  if (produced.kind === 'label') {
    writes.push({ folder: FOLDERS.outbox, bytes: produced.bytes, to: t0 }, { folder: FOLDERS.outbox, bytes: json(produced.record), to: t1 });
    renames.push({ from: `${FOLDERS.work}/${j.id}/${INPUT}`, to: t2 });
    if (hasSidecar) renames.push({ from: `${FOLDERS.work}/${j.id}/${SIDECAR}`, to: t3 });
  } else if (produced.kind === 'verify') {
    writes.push({ folder: FOLDERS.reports, bytes: json(produced.report), to: t0 });
    renames.push({ from: `${FOLDERS.work}/${j.id}/${INPUT}`, to: t1 });
  } else {
    const error = { file: j.name, code: produced.code, reason: produced.reason, droppedIn: path.dirname(j.source), preset: j.preset, failedAt: new Date().toISOString() };
    writes.push({ folder: FOLDERS.failed, bytes: json(error), to: t0 });
    // The original is kept twice: in failed/ to retry it, in originals/ as the archive copy.
    writes.push({ folder: FOLDERS.originals, bytes: await fs.readFile(path.join(dir, INPUT)), to: t1 });
    renames.push({ from: `${FOLDERS.work}/${j.id}/${INPUT}`, to: t2 });
    if (hasSidecar) renames.push({ from: `${FOLDERS.work}/${j.id}/${SIDECAR}`, to: t3 });
  }
  try {
    const moves: Move[] = [];
    for (const [n, w] of writes.entries()) {
      const tmp = `${w.folder}/${tempName(j.id, n)}`;
      await writeDurable(path.join(root, tmp), w.bytes);
      moves.push({ from: tmp, to: w.to });
    }
    at('job:temps-written');
    moves.push(...renames);
    await writeJournal(root, { ...j, state: 'commit', outcome: produced.kind === 'failed' ? 'failed' : 'done', moves });
    at('job:commit-journal-written');
    await applyMoves(root, moves, (i) => i === 0 && at('job:first-move-done'));
    at('job:moves-done');
    await fs.rm(dir, { recursive: true, force: true });
  } finally {
    for (const t of targets(finalName)) reserved.delete(t);
  }
  return produced.kind === 'failed' ? { outcome: 'failed', finalName, error: { code: produced.code, reason: produced.reason } } : { outcome: 'done', finalName };
}

async function produce(dir: string, j: Journal, deps: JobDeps): Promise<Produced> {
  const { ctx } = deps;
  try {
    const inputPath = path.join(dir, INPUT);
    const st = await fs.stat(inputPath);
    if (st.size > ctx.config.maxUploadBytes) {
      throw new LabellerError('too_large', `the file is ${(st.size / 1e6).toFixed(1)} MB, above the limit of ${(ctx.config.maxUploadBytes / 1e6).toFixed(0)} MB`);
    }
    if (j.mode === 'label' && /\.json$/i.test(j.name)) {
      throw new LabellerError('bad_option', `a .json file in the inbox holds label options for the file of the same name (photo.jpg.json for photo.jpg), and no such file arrived`);
    }
    const input = await fs.readFile(inputPath);
    if (j.mode === 'verify') {
      const verify = await loadVerify();
      const report = await verify(input, { ...deps.verifyPolicy, textFormat: textFormatFromName(j.name) }, ctx, { actor: 'watch', door: 'watch' });
      return { kind: 'verify', report: { ...report, file: j.name } };
    }
    const options = parseLabelOptions({ ...presetOptions(j.preset), ...(await sidecarOptions(dir, j)) });
    const result = await label(input, { ...options, title: options.title ?? j.name, textFormat: options.textFormat ?? textFormatFromName(j.name) }, ctx, { actor: 'watch', door: 'watch' });
    return { kind: 'label', bytes: result.bytes, record: result.record };
  } catch (err) {
    if (err instanceof LabellerError) return { kind: 'failed', code: err.code, reason: err.message };
    return { kind: 'failed', code: 'internal_error', reason: `the labeller failed on this file: ${errorMessage(err)}` };
  }
}

function presetOptions(preset: string | undefined): Record<string, unknown> {
  if (preset === undefined) return {};
  const options = PRESETS[preset];
  if (!options) throw new LabellerError('bad_option', `the folder inbox/${preset}/ is not a preset; use one of: ${presetNames()}`);
  return options;
}

async function sidecarOptions(dir: string, j: Journal): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, SIDECAR), 'utf8');
  } catch {
    return {};
  }
  const name = path.basename(j.sidecarSource ?? 'the options file');
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new LabellerError('bad_option', `the options file ${name} is not valid JSON (${errorMessage(err)})`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new LabellerError('bad_option', `the options file ${name} must hold a JSON object such as {"languages": "kk,ru"}`);
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

async function writeDurable(file: string, bytes: Buffer | string): Promise<void> {
  const fh = await fs.open(file, 'wx');
  try {
    await fh.writeFile(bytes);
    // No fsync here: a process crash keeps written data (page cache); the journal is synced.
  } finally {
    await fh.close();
  }
}

function json(x: object): string {
  return JSON.stringify(x, null, 2) + '\n';
}
