/**
 * The folders of a watch directory and the names the worker never touches.
 * Everything below is relative to the watch root, so the root can be moved or remounted.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { LabellerError } from '../domain/errors.js';
import { PRESETS } from './presets.js';

export const FOLDERS = {
  inbox: 'inbox',
  verifyInbox: 'verify-inbox',
  outbox: 'outbox',
  failed: 'failed',
  originals: 'originals',
  reports: 'reports',
  /** Tickets of files held for an editor's review (`<name>.json`), until the decision is carried out. */
  review: 'review',
  work: '.work',
} as const;

/** Folders that receive outputs through temporary names (swept on start). */
export const DESTINATIONS = [FOLDERS.outbox, FOLDERS.failed, FOLDERS.originals, FOLDERS.reports, FOLDERS.review] as const;

export const LOCK_FILE = '.watch.lock';

export async function ensureLayout(root: string): Promise<void> {
  for (const f of Object.values(FOLDERS)) {
    const p = path.join(root, f);
    const st = await fs.lstat(p).catch(() => undefined);
    if (!st) await fs.mkdir(p, { recursive: true });
    else if (!st.isDirectory() && f !== FOLDERS.inbox && f !== FOLDERS.verifyInbox) {
      // Outputs go only into real folders inside the root, never through a link to somewhere else.
      throw new LabellerError(
        'bad_config',
        `${p} is ${st.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}; the watch folder writes only into real folders inside ${root}`,
      );
    }
    // An inbox that is a link is left alone here and never read (the worker logs it).
  }
  if (!(await isRealDir(path.join(root, FOLDERS.inbox)))) return;
  // Preset folders are created so people can see which ones exist (never through a link).
  for (const p of Object.keys(PRESETS)) {
    await fs.mkdir(path.join(root, FOLDERS.inbox, p)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }
}

/** A folder itself, not a link to one. */
export async function isRealDir(p: string): Promise<boolean> {
  try {
    return (await fs.lstat(p)).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Names of files still being written by someone else (browser downloads, Office, rsync,
 * editors) or hidden: never claimed. They become eligible once renamed to their final name.
 */
export function isTransientName(name: string): boolean {
  return (
    name.startsWith('.') ||
    name.startsWith('~$') ||
    /\.(part|partial|tmp|temp|crdownload|download|swp|!ut)$/i.test(name) ||
    name === 'Thumbs.db' ||
    name === 'desktop.ini'
  );
}

/** Our own temporary outputs: `.<job id>.<n>.part` in a destination folder. */
export const OWN_TEMP = /^\.([0-9a-f]{16})\.\d+\.part$/;

export function tempName(jobId: string, n: number): string {
  return `.${jobId}.${n}.part`;
}

export type Mode = 'label' | 'verify';

/** Where a dropped file came from: which door of the folder and which preset folder. */
export interface Origin {
  mode: Mode;
  /** Preset folder name under inbox/, when the file was dropped in one. */
  preset?: string;
}

/** Classifies an absolute path under the root; undefined when it is not a droppable file position. */
export function originOf(root: string, abs: string): Origin | undefined {
  const parts = path.relative(root, abs).split(path.sep);
  if (parts.some((p) => p === '..' || p === '')) return undefined;
  if (parts[0] === FOLDERS.verifyInbox && parts.length === 2) return { mode: 'verify' };
  if (parts[0] === FOLDERS.inbox && parts.length === 2) return { mode: 'label' };
  if (parts[0] === FOLDERS.inbox && parts.length === 3 && !isTransientName(parts[1])) return { mode: 'label', preset: parts[1] };
  return undefined;
}
