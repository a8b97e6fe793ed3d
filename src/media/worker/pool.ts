/**
 * One small pool of "parse worker" threads for every pure-JavaScript reader of hostile bytes
 * (text analysis, image metadata), so that a heavy or hostile input never holds the event
 * loop: other requests and /healthz keep being answered. Each task has a deadline; a worker
 * that overruns it is terminated and replaced, and the caller gets the error it chose
 * (`text_too_complex`, `metadata_too_complex`).
 *
 * The pool knows no task: a task names the module that holds it (a `TASKS` object of pure
 * functions of bytes, see parse-worker.ts), so text and signals share the threads without this
 * folder importing theirs. The worker file sits next to this module: parse-worker.js in dist/,
 * parse-worker.ts under vitest or tsx, where the worker first registers tsx's loader (a worker
 * does not inherit it).
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { errorMessage, LabellerError, type ErrorCode } from '../../domain/errors.js';

const POOL_SIZE = Math.max(1, Math.min(2, os.availableParallelism()));
/** Loading a task module (the text pipeline under tsx) is ours, not the input's: it has its own, longer bound. */
const LOAD_TIMEOUT_MS = 60_000;
/** A worker's heap: bounds the memory one input can take. */
const HEAP_MB = 1024;

export interface ParseTask {
  /** File URL of the module exporting `TASKS` (see taskModule). */
  module: string;
  task: string;
  input: Uint8Array;
  arg?: unknown;
  /** The input is ours to give away: its memory moves to the worker instead of being copied. */
  transfer?: boolean;
  deadlineMs: number;
  /** The error for an input that overran its deadline, or the memory a worker may use. */
  overrun(): LabellerError;
  outOfMemory(): LabellerError;
}

/** The URL of the task module `name` next to the caller (`import.meta.url`), .ts under tsx, .js in dist/. */
export function taskModule(callerUrl: string, name: string): string {
  return new URL(`./${name}${callerUrl.endsWith('.ts') ? '.ts' : '.js'}`, callerUrl).href;
}

interface Job extends ParseTask {
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
/** Task modules asked for so far: a new worker (one replaced after a deadline) loads them before it takes work. */
const used = new Set<string>();

/** Runs a task in a parse worker; resolves with its result or rejects with its error. */
export function runParseTask<R>(task: ParseTask): Promise<R> {
  return new Promise((resolve, reject) => {
    queue.push({ ...task, resolve: resolve as (v: unknown) => void, reject });
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
    used.add(job.module);
    // The deadline runs from the start of the work (the worker says when its module is loaded), not from the queue.
    const timer = setTimeout(() => fail(slot, new Error(`parse worker did not load ${job.module}`)), LOAD_TIMEOUT_MS);
    slot.job = { ...job, id, timer };
    slot.worker.ref(); // a job in flight keeps the process alive; an idle worker does not
    post(slot, { id, module: job.module, task: job.task, input: job.input, arg: job.arg }, job.transfer === true);
  }
}

/**
 * Hands a job to its worker, moving the input's memory when it is ours to give and can move.
 * Memory that cannot (a sharp output is external memory: on Node 22+ it refuses to be
 * transferred with a DataCloneError) is copied instead. Never throws: dispatch runs in the
 * workers' message handlers, where an exception would end the process; a message that cannot be
 * sent at all fails its job.
 */
function post(slot: Slot, message: { id: number; module: string; task: string; input: Uint8Array; arg?: unknown }, transfer: boolean): void {
  const { input } = message;
  const whole = input.byteOffset === 0 && input.byteLength === input.buffer.byteLength;
  try {
    if (transfer && whole && input.buffer instanceof ArrayBuffer) {
      try {
        slot.worker.postMessage(message, [input.buffer]);
        return;
      } catch {
        // not transferable: copied below
      }
    }
    slot.worker.postMessage(message);
  } catch (err) {
    release(slot)?.reject(new Error(`the task could not be sent to a parse worker: ${errorMessage(err)}`));
  }
}

/** Ends the slot's job, if any, and hands it back; the worker stays, free for the next (and no longer holds the process). */
function release(slot: Slot): Slot['job'] {
  const job = slot.job;
  if (!job) return undefined;
  clearTimeout(job.timer);
  slot.job = undefined;
  slot.worker.unref();
  return job;
}

function spawn(): void {
  const worker = newWorker();
  const slot: Slot = { worker, ready: false };
  slots.push(slot);
  worker.unref();
  worker.on('message', (m: { ready?: true; id?: number; started?: true; ok?: boolean; result?: unknown; code?: ErrorCode; message?: string }) => {
    if (m.ready) {
      slot.ready = true;
      return dispatch();
    }
    const job = slot.job;
    if (!job || job.id !== m.id) return;
    if (m.started) {
      clearTimeout(job.timer);
      job.timer = setTimeout(() => fail(slot, job.overrun()), job.deadlineMs);
      return;
    }
    release(slot);
    if (m.ok) job.resolve(m.result);
    else job.reject(m.code ? new LabellerError(m.code, m.message ?? '') : new Error(m.message));
    dispatch();
  });
  worker.on('error', (err: Error & { code?: string }) => {
    const tooBig = err.code === 'ERR_WORKER_OUT_OF_MEMORY';
    fail(slot, tooBig && slot.job ? slot.job.outOfMemory() : new Error(`parse worker failed: ${err.message}`));
  });
  worker.on('exit', () => fail(slot, new Error('parse worker stopped')));
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
  const options = { resourceLimits: { maxOldGenerationSizeMb: HEAP_MB }, workerData: { preload: [...used] } };
  // The process's own flags, less --input-type (for -e and stdin only: a worker refuses to start with it).
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type'));
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./parse-worker.js', import.meta.url), { ...options, execArgv });
  const entry = new URL('./parse-worker.ts', import.meta.url).href;
  const tsxDir = path.dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const api = pathToFileURL(path.join(tsxDir, 'dist/esm/api/index.mjs')).href;
  const boot = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { ...options, eval: true, execArgv: [] });
}
