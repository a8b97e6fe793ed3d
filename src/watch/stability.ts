/**
 * "Is someone still writing this file?" A file is stable when two looks at least the window
 * apart saw the same size and mtime, and its mtime is itself older than the window (a look
 * can come late, after a writer paused). Nothing here reads file contents.
 */
import type { Stats } from 'node:fs';
import type { Origin } from './layout.js';

export interface Candidate {
  origin: Origin;
  size: number;
  mtimeMs: number;
  /** When the current size and mtime were first seen. */
  since: number;
}

export function newCandidate(origin: Origin, now: number): Candidate {
  return { origin, size: -1, mtimeMs: -1, since: now };
}

/** Records a look; returns false when the file changed since the previous one. */
export function observe(c: Candidate, st: Pick<Stats, 'size' | 'mtimeMs'>, now: number): boolean {
  if (st.size === c.size && st.mtimeMs === c.mtimeMs) return true;
  c.size = st.size;
  c.mtimeMs = st.mtimeMs;
  c.since = now;
  return false;
}

export function isStable(c: Candidate, now: number, windowMs: number): boolean {
  if (c.size < 0 || now - c.since < windowMs) return false;
  // An mtime in the future (clock skew on a network share) cannot be judged: trust the looks.
  return c.mtimeMs > now || now - c.mtimeMs >= windowMs;
}
