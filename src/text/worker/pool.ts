/**
 * A small pool of worker threads for the pure-JavaScript text analysis (decoding, carriers,
 * format, notice, fingerprint), so that a heavy or hostile text never holds the event loop:
 * other requests and /healthz keep being answered. Each task has a deadline; a worker that
 * overruns it is terminated and replaced, and the caller gets `text_too_complex` (422).
 *
 * The worker file sits next to this module: text-worker.js in dist/, text-worker.ts under
 * vitest or tsx, where the worker first registers tsx's loader (a worker does not inherit it).
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { LabellerError, type ErrorCode } from '../../domain/errors.js';
import type { TaskName, TextTasks } from './tasks.js';

/** Any text ≤ 1 MB is analysed well within this; larger ones get more per megabyte. */
const BASE_DEADLINE_MS = 2_000;
const PER_MB_MS = 1_000;
const POOL_SIZE = Math.max(1, Math.min(2, os.availableParallelism()));
/** A worker's heap: bounds the memory one text can take. */
const HEAP_MB = 1024;

let fixedDeadlineMs: number | undefined;

/** Tests set one deadline for every text, to see it work; undefined restores the default. */
export function setTextDeadline(ms: number | undefined): void {
  fixedDeadlineMs = ms;
}

export function deadlineFor(bytes: number): number {
  return fixedDeadlineMs ?? BASE_DEADLINE_MS + PER_MB_MS * Math.max(0, Math.ceil(bytes / 1048576) - 1);
}

interface Job {
  task: TaskName;
  input: Uint8Array;
  arg?: unknown;
  resolve(v: unknown): void;
  reject(e: Error): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job?: Job & { id: number; timer: NodeJS.Timeout };
}

const slots: Slot[] = [];
const queue: Job[] = [];
let nextId = 1;

/** Runs a text task in a worker thread; resolves with its result or rejects with its error. */
export function runTextTask<T extends TaskName>(task: T, input: Buffer, arg?: Parameters<TextTasks[T]>[1]): Promise<ReturnType<TextTasks[T]>> {
  return new Promise((resolve, reject) => {
    queue.push({ task, input, arg, resolve: resolve as (v: unknown) => void, reject });
    dispatch();
  });
}

function dispatch(): void {
  while (queue.length) {
    const slot = slots.find((s) => s.ready && !s.job);
    if (!slot) {
      if (slots.length < POOL_SIZE) spawn();
      return; // a worker becomes free or ready, and dispatches again
    }
    const job = queue.shift()!;
    const id = nextId++;
    const timer = setTimeout(() => fail(slot!, new LabellerError('text_too_complex', `the text could not be analysed within ${(deadlineFor(job.input.length) / 1000).toFixed(1)} s; it is unusually large or complex`)), deadlineFor(job.input.length));
    slot.job = { ...job, id, timer };
    slot.worker.ref(); // a job in flight keeps the process alive; an idle worker does not
    slot.worker.postMessage({ id, task: job.task, input: job.input, arg: job.arg });
  }
}

function spawn(): void {
  const worker = newWorker();
  const slot: Slot = { worker, ready: false };
  slots.push(slot);
  worker.unref();
  worker.on('message', (m: { ready?: true; id?: number; ok?: boolean; result?: unknown; code?: ErrorCode; message?: string }) => {
    if (m.ready) {
      slot.ready = true;
      return dispatch();
    }
    const job = slot.job;
    if (!job || job.id !== m.id) return;
    clearTimeout(job.timer);
    slot.job = undefined;
    worker.unref();
    if (m.ok) job.resolve(m.result);
    else job.reject(m.code ? new LabellerError(m.code, m.message ?? '') : new Error(m.message));
    dispatch();
  });
  worker.on('error', (err: Error & { code?: string }) => {
    const tooBig = err.code === 'ERR_WORKER_OUT_OF_MEMORY';
    fail(slot, tooBig ? new LabellerError('too_large', 'the text is too large to analyse in the memory a text may use') : new Error(`text worker failed: ${err.message}`));
  });
  worker.on('exit', () => fail(slot, new Error('text worker stopped')));
}

/** Ends a worker and its job; the next task spawns a fresh one. */
function fail(slot: Slot, err: Error): void {
  const at = slots.indexOf(slot);
  if (at === -1) return;
  slots.splice(at, 1);
  const job = slot.job;
  slot.job = undefined;
  if (job) {
    clearTimeout(job.timer);
    job.reject(err);
  }
  void slot.worker.terminate();
  // A worker that could not even start would fail again: the waiting tasks fail with it.
  if (!slot.ready) for (const waiting of queue.splice(0)) waiting.reject(err);
  else dispatch();
}

function newWorker(): Worker {
  const options = { resourceLimits: { maxOldGenerationSizeMb: HEAP_MB } };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./text-worker.js', import.meta.url), options);
  const entry = new URL('./text-worker.ts', import.meta.url).href;
  const tsxDir = path.dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const api = pathToFileURL(path.join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const boot = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { ...options, eval: true, execArgv: [] });
}
