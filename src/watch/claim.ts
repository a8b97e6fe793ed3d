/**
 * Claiming: a dropped file becomes a job by an atomic rename into `.work/<id>/`. The journal
 * is written first, so a crash at any later instant leaves enough to finish or undo it.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { syncDir } from './durable.js';
import type { CrashPoint, JobHooks } from './hooks.js';
import { INPUT, SIDECAR, jobDir, writeJournal, type Journal } from './journal.js';
import type { Origin } from './layout.js';

export interface ClaimRequest {
  /** Absolute path of the dropped file. */
  source: string;
  origin: Origin;
  /** Absolute path of its sidecar, if one was found. */
  sidecar?: string;
  /** The entry's identity when it was looked at (lstat): what arrives in the work area must be it. */
  seen?: { dev: number; ino: number };
}

/** The journal of the new job; 'gone' if the file vanished before the rename; 'swapped' if another entry arrived (put back). */
export type ClaimOutcome = Journal | 'gone' | 'swapped';

export async function claim(root: string, req: ClaimRequest, hooks: JobHooks = {}): Promise<ClaimOutcome> {
  const at = (p: CrashPoint) => hooks.at?.(p);
  const id = randomBytes(8).toString('hex');
  const dir = jobDir(root, id);
  await fs.mkdir(dir);
  await syncDir(path.dirname(dir));
  const j: Journal = {
    v: 1,
    id,
    mode: req.origin.mode,
    source: path.relative(root, req.source),
    name: path.basename(req.source),
    preset: req.origin.preset,
    sidecarSource: req.sidecar ? path.relative(root, req.sidecar) : undefined,
    state: 'claim',
    claimedAt: new Date().toISOString(),
  };
  await writeJournal(root, j);
  at('claim:journal-written');
  // The sidecar goes first: with the input in the work area, its options are always there too.
  if (req.sidecar) await fs.rename(req.sidecar, path.join(dir, SIDECAR)).catch(ignoreMissing);
  at('claim:sidecar-moved');
  try {
    await fs.rename(req.source, path.join(dir, INPUT));
  } catch (err) {
    ignoreMissing(err);
    await rollBackClaim(root, j);
    return 'gone';
  }
  at('claim:input-moved');
  if (req.seen && !(await isSame(path.join(dir, INPUT), req.seen))) {
    // A folder on the way was swapped for a link between the look and the rename: the entry
    // that came in is not the one inspected. It goes back where the same path points.
    await fs.rename(path.join(dir, INPUT), await freeSibling(req.source));
    await rollBackClaim(root, j);
    return 'swapped';
  }
  return j;
}

/** Undoes a claim whose input never arrived: the sidecar goes back where it was dropped. */
export async function rollBackClaim(root: string, j: Journal): Promise<void> {
  const dir = jobDir(root, j.id);
  if (j.sidecarSource) {
    const back = await freeSibling(path.join(root, j.sidecarSource));
    await fs.rename(path.join(dir, SIDECAR), back).catch(ignoreMissing);
  }
  await fs.rm(dir, { recursive: true, force: true });
}

/** The path itself if free, else `name-2.ext`, `name-3.ext`... (never overwrite a user's file). */
async function freeSibling(p: string): Promise<string> {
  const { dir, name, ext } = path.parse(p);
  for (let k = 1; ; k++) {
    const candidate = k === 1 ? p : path.join(dir, `${name}-${k}${ext}`);
    try {
      await fs.lstat(candidate);
    } catch {
      return candidate;
    }
  }
}

async function isSame(p: string, seen: { dev: number; ino: number }): Promise<boolean> {
  const st = await fs.lstat(p);
  return st.dev === seen.dev && st.ino === seen.ino;
}

function ignoreMissing(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
}
