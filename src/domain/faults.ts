/**
 * Faults of the machine, not of the file: a full disk, a quota, an I/O error, a read-only
 * mount, no file handles left, a full or broken record database. A job meeting one must not
 * fail its file (the file is fine); the worker halts and resumes once the machine can write again.
 */
import { LabellerError } from './errors.js';

const MACHINE_CODES = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EROFS', 'EMFILE', 'ENFILE', 'ENOMEM', 'ENOBUFS']);
const SQLITE_MACHINE = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|BUSY|LOCKED|NOMEM)/;

export function isMachineFault(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 4) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (MACHINE_CODES.has(code) || SQLITE_MACHINE.test(code))) return true;
  if (err instanceof LabellerError && err.code === 'io_error') return true;
  return isMachineFault((err as { cause?: unknown }).cause, depth + 1);
}

/** The error code (ENOSPC, SQLITE_FULL…) of the fault or of its cause, if any. */
export function faultCode(err: unknown, depth = 0): string | undefined {
  if (!err || typeof err !== 'object' || depth > 4) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code)) return code;
  return faultCode((err as { cause?: unknown }).cause, depth + 1);
}

/** One line for logs and /readyz: the code when there is one, then the message. */
export function faultReason(err: unknown): string {
  const code = err && typeof err === 'object' ? (err as { code?: unknown }).code : undefined;
  const message = err instanceof Error ? err.message : String(err);
  return (typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message).slice(0, 300);
}
