/**
 * Multipart parsing with multer (memoryStorage: the file is never written to disk): one file in
 * field `file`, plus short text fields, each a plain string in a prototype-less object.
 *
 * Multer hands its busboy parser to `streamHandler`; there every part's raw name is checked
 * before multer stores anything (no `a[b]` nesting, no `__proto__`, no file in another field),
 * and a refused part aborts multer through busboy's 'error' event, which multer turns into its
 * own clean abort (drain, unpipe). Everything multer calls back into is guarded, so
 * nothing thrown there can escape. The body is read under an idle timeout, a minimum rate and
 * an overall deadline, watched on the request's 'data' events, while holding one of the
 * caller's few upload places (not a job slot).
 */
import type { Readable, Writable } from 'node:stream';
import type { NextFunction, Request, Response } from 'express';
import multer, { MulterError } from 'multer';
import { LabellerError } from '../domain/errors.js';
import { clientAddress } from './client-address.js';
import { HttpProblem } from './problem.js';
import { quoteForMessage, safeBaseName } from './safe-name.js';
import type { UploadGate } from './upload-gate.js';

export { safeBaseName } from './safe-name.js';

export interface Upload {
  bytes: Buffer;
  /** The caller's file name, reduced to a safe base name (for titles and download names only). */
  name: string;
  /** Text fields by name (prototype-less); a repeated field's values joined with commas. */
  fields: Record<string, string>;
}

export interface UploadLimits {
  maxBytes: number;
  /** No body byte for this long → 408. */
  idleTimeoutMs: number;
  /** The whole body within this long → else 408. */
  totalTimeoutMs: number;
  /** After the first idleTimeoutMs, the body must average at least this rate (0 = no check). */
  minBytesPerS: number;
}

export const MAX_FIELDS = 32;
export const MAX_FIELD_BYTES = 16 * 1024;
/** Room for the multipart framing and the text fields around the file. */
const FORM_OVERHEAD = 1024 * 1024;
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
/** Names an object already answers to: never a form field. */
const RESERVED = new Set(Object.getOwnPropertyNames(Object.prototype));

/** multer 2.5 feeds busboy through `streamHandler`; @types/multer does not list it yet. */
type MulterOptions = multer.Options & { streamHandler?: (req: Request, parser: Writable) => void };

type FailMode = 'drain' | 'close';

/**
 * Browsers escape LF, CR and `"` in multipart names as %0A, %0D, %22 (WHATWG); busboy leaves
 * them so (multer undoes them the same way). Only those three: a bare `%` is never escaped.
 */
function decodeFormDataName(s: string): string {
  return s.replace(/%0A|%0D|%22/gi, (m) => (m.toUpperCase() === '%0A' ? '\n' : m.toUpperCase() === '%0D' ? '\r' : '"'));
}

/** Why a text field's name is refused, or undefined when it is a plain option name. */
function badFieldName(n: string): HttpProblem | undefined {
  if (n === 'file') return new HttpProblem('file_missing', 'The field "file" must carry a file (a part with a file name), not text.');
  if (n.includes('[') || n.includes(']')) {
    return new HttpProblem('bad_request', `Unknown form field ${quoteForMessage(n)}: bracketed names (a[b], a[]) are not accepted; send plain fields.`);
  }
  if (!FIELD_NAME.test(n) || RESERVED.has(n)) {
    return new HttpProblem('bad_request', `Unknown form field ${quoteForMessage(n)}: field names are letters, digits and . _ - (at most 64).`);
  }
  return undefined;
}

export function createUploadReader(limits: UploadLimits, gate: UploadGate) {
  const options: multer.Options = {
    storage: multer.memoryStorage(),
    defParamCharset: 'utf8',
    limits: {
      fileSize: limits.maxBytes,
      files: 1,
      fields: MAX_FIELDS,
      fieldSize: MAX_FIELD_BYTES,
      parts: MAX_FIELDS + 8,
      headerPairs: 200,
      // Multer's own guard against nested objects, behind our name check.
      fieldNestingDepth: 0,
    },
  };
  return (req: Request, res: Response): Promise<Upload> => readUpload(req, res, limits, gate, options);
}

function readUpload(req: Request, res: Response, limits: UploadLimits, gate: UploadGate, options: multer.Options): Promise<Upload> {
  if (!req.is('multipart/form-data')) {
    return Promise.reject(new HttpProblem('file_missing', 'Send the file as multipart/form-data in a field named "file".'));
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBytes + FORM_OVERHEAD) {
    // Not worth reading: answer and close the connection.
    res.setHeader('Connection', 'close');
    return Promise.reject(tooLarge(limits.maxBytes));
  }
  let leave: () => void;
  try {
    leave = gate.enter(clientAddress(req));
  } catch (err) {
    return Promise.reject(err);
  }
  return new Promise<Upload>((resolve, reject) => {
    let settled = false;
    let finished = false;
    const started = Date.now();
    let lastByte = started;
    let received = 0;
    let parser: Writable | undefined;

    // The request is over (fully read, drained, aborted or cut): give the place back. The timers
    // stay until the promise is settled too, so a multer that never called back still ends.
    const finish = () => {
      if (!finished) {
        finished = true;
        leave();
      }
      if (settled) clearInterval(timer);
    };
    const fail = (err: unknown, mode: FailMode = 'drain') => {
      if (settled) return;
      settled = true;
      if (mode === 'close' && !res.headersSent) res.setHeader('Connection', 'close');
      reject(err);
      // Stop multer storing more: busboy's 'error' is multer's abort path (it unpipes, drains the
      // rest so the caller receives the answer instead of a reset, and calls back; we ignore that).
      // The timers keep running and cut a caller that keeps trickling.
      try {
        if (parser && parser.listenerCount('error') > 0) parser.emit('error', err);
        if (!req.complete && !req.destroyed) req.resume();
        else finish();
      } catch {
        req.socket?.destroy();
        finish();
      }
    };
    // Everything multer or the request calls goes through this: an exception becomes a 4xx/5xx
    // answer, never a crash.
    const guard =
      <A extends unknown[]>(fn: (...args: A) => void) =>
      (...args: A) => {
        try {
          fn(...args);
        } catch (err) {
          fail(err);
        }
      };

    const tick = Math.min(1000, Math.max(50, Math.floor(limits.idleTimeoutMs / 4)));
    const timer = setInterval(
      guard(() => {
        const now = Date.now();
        const elapsed = now - started;
        let why: string | undefined;
        if (now - lastByte >= limits.idleTimeoutMs) why = `no data arrived for ${Math.round(limits.idleTimeoutMs / 100) / 10} s`;
        else if (elapsed >= limits.totalTimeoutMs) why = `the upload took longer than ${Math.round(limits.totalTimeoutMs / 1000)} s`;
        else if (limits.minBytesPerS > 0 && elapsed >= limits.idleTimeoutMs && received < (limits.minBytesPerS * elapsed) / 1000) {
          why = `the upload is slower than ${limits.minBytesPerS} bytes per second`;
        }
        if (!why) return;
        if (settled) {
          // Already answered and still trickling the rest: cut it.
          req.socket?.destroy();
          finish();
          return;
        }
        fail(new HttpProblem('upload_timeout', `The upload was too slow (${why}); send the file again.`), 'close');
      }),
      tick,
    );

    req.on(
      'data',
      guard((chunk: Buffer) => {
        received += chunk.length;
        lastByte = Date.now();
      }),
    );
    req.on('end', guard(finish));
    req.on(
      'close',
      guard(() => {
        if (!req.complete) fail(new HttpProblem('bad_request', 'The upload ended before the form was complete.'));
        finish();
      }),
    );
    req.on(
      'error',
      guard(() => fail(new HttpProblem('bad_request', 'The upload could not be read.'))),
    );

    // Runs inside multer, once busboy exists: look at every part's raw name before multer does.
    const streamHandler = (_req: Request, bb: Writable) => {
      parser = bb;
      bb.prependListener(
        'field',
        guard((name: unknown, value: unknown, info: unknown) => {
          if (settled) return;
          const n = typeof name === 'string' ? decodeFormDataName(name) : '';
          const bad = badFieldName(n);
          if (bad) return fail(bad);
          if ((info as { valueTruncated?: boolean } | undefined)?.valueTruncated) {
            return fail(new HttpProblem('bad_request', `The field ${quoteForMessage(n)} is longer than ${MAX_FIELD_BYTES / 1024} KB.`));
          }
          if (typeof value !== 'string') fail(new HttpProblem('bad_request', `The field ${quoteForMessage(n)} must be text.`));
        }),
      );
      bb.prependListener(
        'file',
        guard((name: unknown, stream: Readable, info: unknown) => {
          const n = typeof name === 'string' ? decodeFormDataName(name) : '';
          if (n === 'file') {
            // Multer silently drops a file part without a file name (an octet-stream part, or
            // filename=""): it is still the caller's file, so it gets the neutral name 'file'.
            // multer's own listener, next, reads this same info object.
            const meta = info as { filename?: unknown } | undefined;
            if (meta && (typeof meta.filename !== 'string' || !meta.filename)) meta.filename = 'file';
            return;
          }
          stream.on('error', () => {});
          stream.resume();
          fail(new HttpProblem('bad_request', `Unexpected file field ${quoteForMessage(n)}: send one file in the field "file".`));
        }),
      );
      req.pipe(bb);
    };

    const done = (err?: unknown) => {
      if (settled) return;
      if (err) return fail(translate(err, limits.maxBytes));
      const file = req.file;
      if (!file) return fail(new HttpProblem('file_missing', 'No file was sent: add it in a multipart field named "file".'));
      const upload = { bytes: file.buffer, name: safeBaseName(file.originalname), fields: plainFields(req.body) };
      settled = true;
      resolve(upload);
      finish();
    };
    try {
      const single = multer({ ...options, streamHandler } as MulterOptions).single('file');
      single(req, res, guard(done) as NextFunction);
    } catch (err) {
      fail(translate(err, limits.maxBytes));
    }
  });
}

/**
 * Multer's req.body, checked once more: plain names only, each value a string or, for a
 * repeated field, an array of strings (joined with commas). Anything else is refused.
 */
function plainFields(body: unknown): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (body === undefined || body === null) return out;
  if (typeof body !== 'object') throw new HttpProblem('bad_request', 'The form fields could not be read.');
  for (const key of Object.keys(body)) {
    const bad = badFieldName(key);
    if (bad) throw bad;
    const v: unknown = (body as Record<string, unknown>)[key];
    if (typeof v === 'string') out[key] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[key] = v.join(',');
    else throw new HttpProblem('bad_request', `The field ${quoteForMessage(key)} must be text.`);
  }
  return out;
}

/** Multer's and busboy's errors as our problems; ours pass through. */
function translate(err: unknown, maxBytes: number): Error {
  if (err instanceof HttpProblem || err instanceof LabellerError) return err;
  if (err instanceof MulterError) {
    const field = quoteForMessage(String(err.field ?? ''));
    switch (err.code as string) {
      case 'LIMIT_FILE_SIZE':
        return tooLarge(maxBytes);
      case 'LIMIT_FILE_COUNT':
        return new HttpProblem('bad_request', 'Send one file per request.');
      case 'LIMIT_UNEXPECTED_FILE':
        return new HttpProblem('bad_request', `Unexpected file field ${field}: send one file in the field "file".`);
      case 'LIMIT_FIELD_COUNT':
        return new HttpProblem('bad_request', `The form has more than ${MAX_FIELDS} fields.`);
      case 'LIMIT_PART_COUNT':
        return new HttpProblem('bad_request', 'The form has too many parts.');
      case 'LIMIT_FIELD_VALUE':
        return new HttpProblem('bad_request', `The field ${field} is longer than ${MAX_FIELD_BYTES / 1024} KB.`);
      case 'LIMIT_FIELD_NESTING':
      case 'LIMIT_FIELD_ARRAY_INDEX':
      case 'INVALID_FIELD_NAME':
        return new HttpProblem('bad_request', `Unknown form field ${field}: bracketed names (a[b], a[]) are not accepted; send plain fields.`);
      case 'LIMIT_FIELD_KEY':
        return new HttpProblem('bad_request', 'A form field name is too long.');
      case 'MISSING_FIELD_NAME':
        return new HttpProblem('bad_request', 'A form part has no name.');
    }
  }
  // busboy: no boundary, a malformed part header, a truncated form, a request cut short...
  return new HttpProblem('bad_request', 'The multipart form could not be read.');
}

function tooLarge(maxBytes: number): LabellerError {
  return new LabellerError('too_large', `The file is larger than the limit of ${(maxBytes / 1024 / 1024).toFixed(0)} MB.`);
}
