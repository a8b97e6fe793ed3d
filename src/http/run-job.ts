/**
 * The shape every upload route shares: read the whole upload first (under the upload timers,
 * holding an upload place, not a job slot), then wait for a job slot, run the core operation
 * under the request timeout, and always give the slot back. A slow client therefore never
 * holds a slot; at most MAX_CONCURRENT_JOBS jobs plus a short queue hold a whole body.
 */
import type { Request, Response } from 'express';
import type { AppDeps } from './deps.js';
import { HttpProblem } from './problem.js';
import type { Upload } from './upload.js';

export function doorOf(req: Request): 'web' | 'rest' {
  return req.get('x-labeller-client') === 'web' ? 'web' : 'rest';
}

export const shuttingDown = () => new HttpProblem('busy', 'The service is shutting down; try again shortly.', 5);

export async function runJob<T>(deps: AppDeps, req: Request, res: Response, fn: (u: Upload) => Promise<T>): Promise<{ value: T; upload: Upload }> {
  if (!deps.accepting()) throw shuttingDown();
  const upload = await deps.parseUpload(req, res);
  if (!deps.accepting()) throw shuttingDown();
  const timeoutMs = deps.ctx.config.requestTimeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new HttpProblem('timeout', `The file was not processed within ${Math.round(timeoutMs / 1000)} s; try again later or with a smaller file.`, 10)),
      timeoutMs,
    );
  });
  // The job keeps its slot until it really ends, even when the caller has been answered
  // with a timeout: the slot count must reflect the work the machine is doing.
  const job = (async () => {
    const release = await deps.slots.acquire();
    try {
      // Answered (timeout) or gone while queued: nobody is waiting for the result.
      if (res.headersSent || res.socket?.destroyed) throw new HttpProblem('timeout', 'The request ended while waiting for a free slot.');
      return { value: await fn(upload), upload };
    } finally {
      release();
    }
  })();
  job.catch(() => {}); // a late failure after a timeout answer is not an unhandled rejection
  try {
    return await Promise.race([job, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
