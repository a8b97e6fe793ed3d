/**
 * The folders of a watch directory and the names the worker never touches.
 * Everything below is relative to the watch root, so the root can be moved or remounted.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { PRESETS } from './presets.js';

export const FOLDERS = {
  inbox: 'inbox',
  verifyInbox: 'verify-inbox',
  outbox: 'outbox',
  failed: 'failed',
  originals: 'originals',
  reports: 'reports',
  work: '.work',
} as const;

/** Folders that receive outputs through temporary names (swept on start). */
export const DESTINATIONS = [FOLDERS.outbox, FOLDERS.failed, FOLDERS.originals, FOLDERS.reports] as const;

export const LOCK_FILE = '.watch.lock';

export async function ensureLayout(root: string): Promise<void> {
  for (const f of Object.values(FOLDERS)) await fs.mkdir(path.join(root, f), { recursive: true });
  // Preset folders are created so people can see which ones exist.
  for (const p of Object.keys(PRESETS)) await fs.mkdir(path.join(root, FOLDERS.inbox, p), { recursive: true });
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
