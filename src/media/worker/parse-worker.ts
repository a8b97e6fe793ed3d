/**
 * A parse worker thread: runs one task at a time from pool.ts and answers with its result or
 * its error (code and message, so a LabellerError keeps its code across the thread). A task
 * module is loaded on its first task (a worker that only reads image metadata never loads the
 * text pipeline, its encodings), and by a replacement worker before it takes any; a task's
 * deadline starts once its module is loaded.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LabellerError, errorMessage } from '../../domain/errors.js';

type Task = (input: Buffer, arg?: unknown) => unknown;

interface Request {
  id: number;
  module: string;
  task: string;
  input: Uint8Array;
  arg?: unknown;
}

const modules = new Map<string, Promise<Record<string, Task>>>();

function tasksOf(url: string): Promise<Record<string, Task>> {
  // Only our own modules, named by pool callers: never a path that came with an input.
  if (!url.startsWith('file:')) return Promise.reject(new Error(`not a task module: ${url}`));
  let loaded = modules.get(url);
  if (!loaded) {
    loaded = import(url).then((m: { TASKS?: Record<string, Task> }) => m.TASKS ?? {});
    modules.set(url, loaded);
  }
  return loaded;
}

const port = parentPort!;
port.on('message', async (m: Request) => {
  try {
    const task = (await tasksOf(m.module))[m.task];
    if (typeof task !== 'function') throw new Error(`no task ${m.task} in ${m.module}`);
    port.postMessage({ id: m.id, started: true }); // the deadline starts now
    const input = Buffer.isBuffer(m.input) ? m.input : Buffer.from(m.input.buffer, m.input.byteOffset, m.input.byteLength);
    port.postMessage({ id: m.id, ok: true, result: await task(input, m.arg) });
  } catch (err) {
    port.postMessage({ id: m.id, ok: false, code: err instanceof LabellerError ? err.code : undefined, message: errorMessage(err) });
  }
});
// The modules earlier workers ran: loaded before this one says it is ready, so no task waits for them.
const preload = (workerData as { preload?: string[] } | null)?.preload ?? [];
void Promise.all(preload.map((url) => tasksOf(url).catch(() => undefined))).then(() => port.postMessage({ ready: true }));
