/**
 * The job journal: one small JSON file per claimed file, `.work/<id>/job.json`, written
 * atomically (temp + rename). Its state tells recovery what a crash interrupted:
 *   claim  — the file (and its sidecar) is being moved into, or sits in, the work area;
 *            no output is committed yet, so the job can be redone from its input.
 *   commit — every output already exists under a temporary name; only the listed renames
 *            remain, and replaying them is idempotent (a move whose source is gone is done).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { syncDir } from './durable.js';
import { FOLDERS, type Mode } from './layout.js';

export interface Move {
  /** Relative to the watch root. */
  from: string;
  to: string;
}

export interface Journal {
  v: 1;
  id: string;
  mode: Mode;
  /** Where the file was dropped, relative to the root (e.g. `inbox/kk-ru/photo.jpg`). */
  source: string;
  /** The dropped file's name. */
  name: string;
  preset?: string;
  /** The sidecar claimed with the file, relative to the root. */
  sidecarSource?: string;
  state: 'claim' | 'commit';
  claimedAt: string;
  outcome?: 'done' | 'failed';
  moves?: Move[];
}

export const JOURNAL = 'job.json';
export const INPUT = 'input';
export const SIDECAR = 'sidecar.json';

export function jobDir(root: string, id: string): string {
  return path.join(root, FOLDERS.work, id);
}

export async function writeJournal(root: string, j: Journal): Promise<void> {
  const dir = jobDir(root, j.id);
  const tmp = path.join(dir, `${JOURNAL}.tmp`);
  const fh = await fs.open(tmp, 'w');
  try {
    await fh.writeFile(JSON.stringify(j));
    await fh.sync(); // the journal is what recovery trusts: make it durable before the rename
  } finally {
    await fh.close();
  }
  await fs.rename(tmp, path.join(dir, JOURNAL));
  await syncDir(dir); // the rename too: without it a power cut could keep the input's move but not its journal
}

/** Undefined when there is no journal (a crash before the first write) or it cannot be read. */
export async function readJournal(root: string, id: string): Promise<Journal | undefined> {
  try {
    const j = JSON.parse(await fs.readFile(path.join(jobDir(root, id), JOURNAL), 'utf8')) as Journal;
    return j && j.v === 1 && j.id === id ? j : undefined;
  } catch {
    return undefined;
  }
}

/** Replays the renames of a commit, then flushes the folders they went to. Safe to run any number of times. */
export async function applyMoves(root: string, moves: Move[], between?: (i: number) => void): Promise<void> {
  for (const [i, m] of moves.entries()) {
    try {
      await fs.rename(path.join(root, m.from), path.join(root, m.to));
    } catch (err) {
      // The source is gone: this move was done before a crash. Anything else is a real error.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || (await exists(path.join(root, m.from)))) throw err;
    }
    between?.(i);
  }
  for (const dir of new Set(moves.map((m) => path.dirname(path.join(root, m.to))))) await syncDir(dir);
}

export async function exists(p: string): Promise<boolean> {
  try {
    await fs.lstat(p);
    return true;
  } catch {
    return false;
  }
}
