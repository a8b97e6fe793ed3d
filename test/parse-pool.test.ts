/**
 * The parse workers' hand-over (src/media/worker/pool.ts): an input that may be given away but
 * whose memory cannot move (sharp's outputs are external memory: Node 22+ refuses to transfer
 * them) is copied, and a message that cannot be sent at all fails its own task, never the process.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { markAsUntransferable } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { LabellerError } from '../src/domain/errors.js';
import { runParseTask, taskModule } from '../src/media/worker/pool.js';
import { ROOT } from './helpers/context.js';

const TEXT_TASKS = taskModule(pathToFileURL(path.join(ROOT, 'src/text/worker/pool.ts')).href, 'tasks');
const text = 'Жасанды интеллект көмегімен жасалған мәтін. Текст создан с помощью искусственного интеллекта. '.repeat(20);

function iscc(input: Uint8Array, arg?: unknown): Promise<{ iscc: string }> {
  return runParseTask({
    module: TEXT_TASKS,
    task: 'iscc',
    input,
    arg,
    transfer: true,
    deadlineMs: 10_000,
    overrun: () => new LabellerError('text_too_complex', 'overran'),
    outOfMemory: () => new LabellerError('too_large', 'out of memory'),
  });
}

describe('parse worker hand-over', () => {
  it('copies an input whose memory cannot be transferred, and the caller keeps it', async () => {
    const movable = new Uint8Array(Buffer.from(text, 'utf8'));
    const fixed = new Uint8Array(Buffer.from(text, 'utf8'));
    markAsUntransferable(fixed.buffer);
    const a = await iscc(movable);
    const b = await iscc(fixed);
    expect(b.iscc).toBe(a.iscc);
    expect(movable.byteLength).toBe(0); // given away: moved, not copied
    expect(Buffer.from(fixed).toString('utf8')).toBe(text); // copied: still the caller's
  });

  it('fails the task whose message cannot be sent, and the workers go on', async () => {
    await expect(iscc(Buffer.from(text, 'utf8'), { hint: () => 'txt' })).rejects.toThrow(/could not be sent to a parse worker/);
    const after = await iscc(Buffer.from(text, 'utf8'));
    expect(after.iscc).toMatch(/^ISCC:/);
  });
});
