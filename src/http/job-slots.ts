/**
 * A bounded number of labelling/verification jobs at once (MAX_CONCURRENT_JOBS), with a
 * short queue behind them. Beyond the queue a caller is told to come back (503 + Retry-After)
 * instead of piling up memory: each job holds a whole upload and a decoded image.
 */
import { HttpProblem } from './problem.js';

export interface JobSlots {
  /**
   * Resolves with a release function once a slot is free; throws `busy` when the queue is full,
   * unless `wait` (queued work, whose waiting costs no memory: its upload is on disk).
   */
  acquire(wait?: boolean): Promise<() => void>;
  readonly active: number;
  readonly queued: number;
  /** Resolves when no job is running or waiting (graceful shutdown). */
  drained(): Promise<void>;
}

export function createJobSlots(max: number, maxQueue: number, retryAfterS = 2): JobSlots {
  let active = 0;
  const waiting: (() => void)[] = [];
  let idle: (() => void)[] = [];

  const release = () => {
    const next = waiting.shift();
    if (next) return next(); // the slot passes straight to the next waiter
    active--;
    if (active === 0) {
      for (const f of idle) f();
      idle = [];
    }
  };
  const once = () => {
    let done = false;
    return () => {
      if (!done) {
        done = true;
        release();
      }
    };
  };

  return {
    get active() {
      return active;
    },
    get queued() {
      return waiting.length;
    },
    async acquire(wait = false) {
      if (active < max) {
        active++;
        return once();
      }
      if (!wait && waiting.length >= maxQueue) {
        throw new HttpProblem('busy', `The service is busy with ${active} files; try again in a few seconds.`, retryAfterS);
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
      return once();
    },
    drained() {
      return active === 0 && waiting.length === 0 ? Promise.resolve() : new Promise((r) => idle.push(r));
    },
  };
}
