import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { LabellerError, errorMessage, isInputError } from '../domain/errors.js';

export const EXIT = { ok: 0, invalid: 1, unreadable: 2 } as const;

/** One short line on stderr; never a stack trace for input errors. */
export function say(line: string): void {
  process.stderr.write(`labeller: ${line}\n`);
}

export function fail(err: unknown, file?: string): number {
  const prefix = file ? `${file}: ` : '';
  if (isInputError(err) || (err instanceof LabellerError && err.code === 'bad_config')) {
    say(`${prefix}${err.message}`);
    return EXIT.unreadable;
  }
  say(`${prefix}internal error: ${errorMessage(err)}`);
  return EXIT.unreadable;
}

/** Reads an input file with clear messages for the usual mistakes. */
export function readInput(file: string, maxBytes: number): Buffer {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    throw new LabellerError('not_found', 'no such file');
  }
  if (!st.isFile()) throw new LabellerError('unsupported_type', 'not a regular file');
  if (st.size > maxBytes)
    throw new LabellerError('too_large', `the file is ${(st.size / 1e6).toFixed(1)} MB, above the limit of ${(maxBytes / 1e6).toFixed(0)} MB`);
  return fs.readFileSync(file);
}

/**
 * Writes next to the target under a temporary name, then renames into place: a crash or an
 * error never leaves a partial output. Refuses to replace an existing file unless `force`.
 */
export function writeAtomic(target: string, bytes: Buffer | string, force = false): void {
  if (!force && fs.existsSync(target)) throw new LabellerError('output_exists', `${target} already exists (use --force to replace it)`);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.part`);
  try {
    fs.writeFileSync(tmp, bytes, { flag: 'wx' });
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    if (err instanceof LabellerError) throw err;
    throw new LabellerError('io_error', `cannot write ${target}: ${errorMessage(err)}`);
  }
}
