/**
 * What the worker may touch: only regular files with a single name, inside the watch root.
 * Symbolic links (to files or folders, inside or outside), hard links, pipes, sockets and
 * devices are never followed, opened or copied: the entry itself goes to failed/ with a reason.
 * Everything is decided from lstat, then re-checked on the opened descriptor (O_NOFOLLOW +
 * fstat), so a swap between the look and the read is caught.
 */
import { constants, type Stats } from 'node:fs';
import fs, { type FileHandle } from 'node:fs/promises';

export type EntryKind = 'file' | 'hard-link' | 'symlink' | 'directory' | 'special';

export interface Refusal {
  code: 'not_regular_file' | 'hard_link' | 'not_readable';
  reason: string;
}

/** Thrown where a step meets an entry it must not read; the job fails the file with it. */
export class RefusedEntry extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.reason);
  }
}

export function kindOf(st: Stats): EntryKind {
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isDirectory()) return 'directory';
  if (!st.isFile()) return 'special';
  return st.nlink > 1 ? 'hard-link' : 'file';
}

/** Why an entry of this kind is not taken; undefined for a plain file. */
export function refusalOf(kind: EntryKind, what: string, st?: Stats): Refusal | undefined {
  switch (kind) {
    case 'file':
      return undefined;
    case 'symlink':
      return {
        code: 'not_regular_file',
        reason: `${what} is a symbolic link; the watch folder never follows links, so what it points to was not read, copied or moved. Copy the file itself into the folder.`,
      };
    case 'directory':
      return { code: 'not_regular_file', reason: `${what} is a folder, not a file.` };
    case 'special':
      return { code: 'not_regular_file', reason: `${what} is not a regular file (a named pipe, socket or device); it was not opened.` };
    case 'hard-link':
      return {
        code: 'hard_link',
        reason: `${what} has ${st?.nlink ?? 'several'} names (hard links); the watch folder takes only files with a single name, so it never reads a file that also lives elsewhere. Copy the file into the folder instead.`,
      };
  }
}

/**
 * Reads a file the worker owns the name of (in `.work/`), refusing anything but a regular file
 * with one name. `maxBytes` is checked on the descriptor before reading.
 */
export async function readRegularFile(p: string, what: string, maxBytes: number): Promise<{ bytes: Buffer } | { refused: Refusal } | { tooLarge: number }> {
  const seen = await fs.lstat(p);
  const refused = refusalOf(kindOf(seen), what, seen);
  if (refused) return { refused };
  let fh: FileHandle;
  try {
    // O_NONBLOCK: a pipe swapped in after the lstat must not block the open.
    fh = await fs.open(p, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return { refused: refusalOf('symlink', what)! };
    if (code === 'ENXIO') return { refused: refusalOf('special', what)! };
    if (code === 'EACCES' || code === 'EPERM')
      return { refused: { code: 'not_readable', reason: `${what} may not be read by the labeller (its permissions); it was not opened.` } };
    throw err;
  }
  try {
    const st = await fh.stat();
    const kind = kindOf(st);
    if (kind !== 'file') return { refused: refusalOf(kind, what, st)! };
    if (st.ino !== seen.ino || st.dev !== seen.dev)
      return { refused: { code: 'not_regular_file', reason: `${what} was replaced while it was being opened; it was not read.` } };
    if (st.size > maxBytes) return { tooLarge: st.size };
    const bytes = await fh.readFile();
    return bytes.length > maxBytes ? { tooLarge: bytes.length } : { bytes };
  } finally {
    await fh.close();
  }
}
