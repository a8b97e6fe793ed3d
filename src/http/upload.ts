/**
 * Multipart parsing with busboy directly: one file in field `file`, kept in memory (never on
 * disk), plus short text fields, each a plain string in a prototype-less object. Field names
 * are checked here (no `a[b]` nesting, no `__proto__`), every callback is guarded so nothing
 * thrown can escape, and the body is read under an idle timeout, a minimum rate and an
 * overall deadline, while holding one of the caller's few upload places (not a job slot).
 */
import type { Readable } from 'node:stream';
import busboy, { type Busboy, type FieldInfo, type FileInfo } from 'busboy';
import type { Request, Response } from 'express';
import { LabellerError } from '../errors.js';
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

type FailMode = 'drain' | 'close';

/**
 * Browsers escape LF, CR and `"` in multipart names as %0A, %0D, %22 (WHATWG); busboy leaves
 * them so. Only those three are undone: a bare `%` is never escaped (`50%.pdf` stays).
 */
function decodeFormDataName(s: string): string {
  return s.replace(/%0A|%0D|%22/gi, (m) => (m.toUpperCase() === '%0A' ? '\n' : m.toUpperCase() === '%0D' ? '\r' : '"'));
}

export function createUploadReader(limits: UploadLimits, gate: UploadGate) {
  return (req: Request, res: Response): Promise<Upload> => readUpload(req, res, limits, gate);
}

function readUpload(req: Request, res: Response, limits: UploadLimits, gate: UploadGate): Promise<Upload> {
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
    const fields = new Map<string, string[]>();
    let file: { name: string | undefined; chunks: Buffer[]; ended: boolean } | undefined;
    let formClosed = false;
    let bb: Busboy | undefined;

    // The request is over (fully read, drained, aborted or cut): give the place back.
    const finish = () => {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      leave();
    };
    const fail = (err: unknown, mode: FailMode = 'drain') => {
      if (settled) return;
      settled = true;
      if (mode === 'close' && !res.headersSent) res.setHeader('Connection', 'close');
      reject(err);
      // Torn down on the next turn: this may run inside busboy's own callbacks, and destroying
      // it there makes busboy itself throw.
      setImmediate(() => {
        try {
          if (bb) {
            req.unpipe(bb);
            bb.removeAllListeners('close');
            bb.on('error', () => {});
            bb.destroy();
          }
          // Read and drop the rest, so the caller receives the answer instead of a reset; the
          // timers keep running and cut a caller that keeps trickling.
          if (!req.complete && !req.destroyed) req.resume();
          else finish();
        } catch {
          req.socket?.destroy();
          finish();
        }
      });
    };
    const done = () => {
      if (settled || !formClosed || (file && !file.ended)) return;
      if (!file) return fail(new HttpProblem('file_missing', 'No file was sent: add it in a multipart field named "file".'));
      settled = true;
      const result: Record<string, string> = Object.create(null);
      for (const [k, v] of fields) result[k] = v.join(',');
      finish();
      resolve({ bytes: Buffer.concat(file.chunks), name: safeBaseName(file.name), fields: result });
    };
    // Every callback goes through this: an exception becomes a 4xx/5xx answer, never a crash.
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

    try {
      bb = busboy({
        headers: req.headers,
        defParamCharset: 'utf8',
        limits: { fileSize: limits.maxBytes, files: 1, fields: MAX_FIELDS, fieldSize: MAX_FIELD_BYTES, parts: MAX_FIELDS + 8, headerPairs: 200 },
      });
    } catch {
      // Missing boundary and the like.
      return fail(new HttpProblem('bad_request', 'The multipart form could not be read (no boundary).'));
    }

    bb.on(
      'field',
      guard((name: string | undefined, value: unknown, info: FieldInfo) => {
        if (settled) return;
        const n = typeof name === 'string' ? decodeFormDataName(name) : '';
        if (n === 'file') return fail(new HttpProblem('file_missing', 'The field "file" must carry a file (a part with a file name), not text.'));
        if (!FIELD_NAME.test(n) || RESERVED.has(n)) {
          return fail(new HttpProblem('bad_request', `Unknown form field ${quoteForMessage(n)}: field names are letters, digits and . _ - (at most 64).`));
        }
        if (info?.valueTruncated) return fail(new HttpProblem('bad_request', `The field ${quoteForMessage(n)} is longer than ${MAX_FIELD_BYTES / 1024} KB.`));
        if (typeof value !== 'string') return fail(new HttpProblem('bad_request', `The field ${quoteForMessage(n)} must be text.`));
        const list = fields.get(n);
        if (list) list.push(value);
        else fields.set(n, [value]);
      }),
    );
    bb.on(
      'file',
      guard((name: string | undefined, stream: Readable, info: FileInfo) => {
        stream.on(
          'error',
          guard(() => fail(new HttpProblem('bad_request', 'The file could not be read from the form.'))),
        );
        if (settled) return void stream.resume();
        if (typeof name !== 'string' || decodeFormDataName(name) !== 'file') {
          stream.resume();
          return fail(new HttpProblem('bad_request', `Unexpected file field ${quoteForMessage(String(name ?? ''))}: send one file in the field "file".`));
        }
        const f = { name: typeof info?.filename === 'string' ? decodeFormDataName(info.filename) : undefined, chunks: [] as Buffer[], ended: false };
        file = f;
        stream.on(
          'data',
          guard((chunk: Buffer) => {
            if (!settled) f.chunks.push(chunk);
          }),
        );
        stream.on(
          'limit',
          guard(() => fail(tooLarge(limits.maxBytes))),
        );
        stream.on(
          'end',
          guard(() => {
            f.ended = true;
            done();
          }),
        );
      }),
    );
    bb.on(
      'filesLimit',
      guard(() => fail(new HttpProblem('bad_request', 'Send one file per request.'))),
    );
    bb.on(
      'fieldsLimit',
      guard(() => fail(new HttpProblem('bad_request', `The form has more than ${MAX_FIELDS} fields.`))),
    );
    bb.on(
      'partsLimit',
      guard(() => fail(new HttpProblem('bad_request', 'The form has too many parts.'))),
    );
    bb.on(
      'error',
      guard(() => fail(new HttpProblem('bad_request', 'The multipart form could not be read.'))),
    );
    bb.on(
      'close',
      guard(() => {
        formClosed = true;
        done();
      }),
    );
    req.pipe(bb);
  });
}

function tooLarge(maxBytes: number): LabellerError {
  return new LabellerError('too_large', `The file is larger than the limit of ${(maxBytes / 1024 / 1024).toFixed(0)} MB.`);
}
