/**
 * The text analysis (decoding, carriers, format, notice, fingerprint) runs in the shared parse
 * workers (media/worker/pool.ts), so that a heavy or hostile text never holds the event loop.
 * Each text has a deadline; past it, its worker is replaced and the caller gets
 * `text_too_complex` (422).
 */
import { LabellerError } from '../../domain/errors.js';
import { runParseTask, taskModule } from '../../media/worker/pool.js';
import type { TaskName, TextTasks } from './tasks.js';

/** Any text ≤ 1 MB is analysed well within this; larger ones get more per megabyte. */
const BASE_DEADLINE_MS = 2_000;
const PER_MB_MS = 1_000;
const TASKS_MODULE = taskModule(import.meta.url, 'tasks');

let fixedDeadlineMs: number | undefined;

/** Tests set one deadline for every text, to see it work; undefined restores the default. */
export function setTextDeadline(ms: number | undefined): void {
  fixedDeadlineMs = ms;
}

export function deadlineFor(bytes: number): number {
  return fixedDeadlineMs ?? BASE_DEADLINE_MS + PER_MB_MS * Math.max(0, Math.ceil(bytes / 1048576) - 1);
}

/** Runs a text task in a parse worker; resolves with its result or rejects with its error. */
export function runTextTask<T extends TaskName>(task: T, input: Buffer, arg?: Parameters<TextTasks[T]>[1]): Promise<ReturnType<TextTasks[T]>> {
  const deadlineMs = deadlineFor(input.length);
  return runParseTask({
    module: TASKS_MODULE,
    task,
    input,
    arg,
    deadlineMs,
    overrun: () =>
      new LabellerError('text_too_complex', `the text could not be analysed within ${(deadlineMs / 1000).toFixed(1)} s; it is unusually large or complex`),
    outOfMemory: () => new LabellerError('too_large', 'the text is too large to analyse in the memory a text may use'),
  });
}
