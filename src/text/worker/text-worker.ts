/**
 * The text worker thread: runs one task at a time from pool.ts and answers with its result
 * or its error (code and message, so a LabellerError keeps its code across the thread).
 */
import { parentPort } from 'node:worker_threads';
import { LabellerError, errorMessage } from '../../domain/errors.js';
import { asBuffer, TASKS, type TaskName } from './tasks.js';

interface Request {
  id: number;
  task: TaskName;
  input: Uint8Array;
  arg?: unknown;
}

const port = parentPort!;
port.on('message', (m: Request) => {
  try {
    const result = (TASKS[m.task] as (input: Buffer, arg?: unknown) => unknown)(asBuffer(m.input), m.arg);
    port.postMessage({ id: m.id, ok: true, result });
  } catch (err) {
    port.postMessage({ id: m.id, ok: false, code: err instanceof LabellerError ? err.code : undefined, message: errorMessage(err) });
  }
});
port.postMessage({ ready: true });
