/**
 * Is this error the disk's fault? Full disks and failing storage surface as Node errno codes
 * (ENOSPC...), SQLite result codes (SQLITE_FULL...) or, from child processes such as
 * ExifTool, only as a sentence. The cause chain is followed, since the core may wrap them.
 */
export type StorageFault = 'no_space' | 'io';

const NO_SPACE_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);
const IO_CODES = new Set(['EIO', 'EROFS', 'SQLITE_READONLY', 'SQLITE_CANTOPEN']);
// Library messages only (never user text), and cut short before matching.
const NO_SPACE_TEXT = /no space left on device|disk quota exceeded|database or disk is full|\bENOSPC\b|\bEDQUOT\b/i;
const IO_TEXT = /input\/output error|read-only file system|\bEIO\b|\bEROFS\b|disk I\/O error/i;

export function storageFault(err: unknown): StorageFault | undefined {
  let e: unknown = err;
  let io = false;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (NO_SPACE_CODES.has(code)) return 'no_space';
      if (IO_CODES.has(code) || code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_READONLY')) io = true;
    }
    // Our own errors' sentences may quote the caller's input: only their codes count.
    const name = (e as { name?: unknown }).name;
    if (name !== 'LabellerError' && name !== 'HttpProblem') {
      const message = String((e as { message?: unknown }).message ?? '').slice(0, 2000);
      if (NO_SPACE_TEXT.test(message)) return 'no_space';
      if (IO_TEXT.test(message)) io = true;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return io ? 'io' : undefined;
}
