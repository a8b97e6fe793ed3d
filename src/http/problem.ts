/**
 * RFC 9457 problem details. One table maps every error code (the core's and this door's
 * own) to an HTTP status; nothing else in the HTTP door chooses a status for an error.
 */
import type { Response } from 'express';
import { LabellerError, type ErrorCode } from '../domain/errors.js';
import { storageFault, type StorageFault } from './storage-fault.js';

/** Codes only the HTTP door produces. */
export type HttpCode =
  | 'missing_key'
  | 'bad_key'
  | 'file_missing'
  | 'busy'
  | 'timeout'
  | 'route_not_found'
  | 'not_implemented'
  | 'bad_request'
  | 'upload_timeout'
  | 'rate_limited'
  | 'internal';

export type ProblemCode = ErrorCode | HttpCode;

export const STATUS: Record<ProblemCode, number> = {
  empty_input: 400,
  bad_option: 400,
  file_missing: 400,
  bad_request: 400,
  missing_key: 401,
  bad_key: 403,
  role_required: 403,
  four_eyes: 403,
  upload_timeout: 408,
  not_found: 404,
  route_not_found: 404,
  output_exists: 409,
  job_state: 409,
  too_large: 413,
  too_many_pixels: 413,
  unsupported_type: 415,
  svg_not_supported: 415,
  corrupt_input: 422,
  text_encoding_undecidable: 422,
  text_too_complex: 422,
  metadata_too_complex: 422,
  metadata_too_large: 422,
  rate_limited: 429,
  bad_config: 500,
  signing_failed: 500,
  // 507 when the disk is full; other storage faults (EIO, read-only) answer 503 (see toProblem).
  io_error: 507,
  internal: 500,
  not_implemented: 501,
  busy: 503,
  timeout: 503,
};

const TITLES: Partial<Record<number, string>> = {
  400: 'Bad request',
  401: 'API key required',
  403: 'API key not accepted',
  404: 'Not found',
  408: 'Upload too slow',
  409: 'Conflict',
  413: 'Too large',
  415: 'Unsupported media type',
  422: 'Unprocessable file',
  429: 'Too many requests',
  500: 'Internal error',
  501: 'Not implemented',
  503: 'Service busy',
  507: 'Insufficient storage',
};

/** An error raised by the HTTP door itself, with one of its own codes. */
export class HttpProblem extends Error {
  constructor(
    readonly code: HttpCode,
    message: string,
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = 'HttpProblem';
  }
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ProblemCode;
  detail: string;
  instance?: string;
}

/** Turns anything thrown into a problem; unknown errors become a generic 500 with no internals. */
export function toProblem(err: unknown, instance?: string): Problem & { retryAfterS?: number; storage?: StorageFault } {
  let code: ProblemCode = 'internal';
  let detail = 'An internal error occurred; the request id in the logs identifies it.';
  let retryAfterS: number | undefined;
  // A full or failing disk is ours to fix, whatever code the error was wrapped in on the way.
  const storage = storageFault(err) ?? (err instanceof LabellerError && err.code === 'io_error' ? 'io' : undefined);
  if (storage) {
    const status = storage === 'no_space' ? 507 : 503;
    detail =
      storage === 'no_space'
        ? 'The service has run out of storage space; its operator has to free some. Try again later.'
        : 'The service could not read or write its storage; try again later.';
    return { type: 'about:blank#io_error', title: TITLES[status] ?? 'Error', status, code: 'io_error', detail, instance, retryAfterS: 60, storage };
  }
  if (err instanceof LabellerError) {
    code = err.code;
    // Our own faults can quote library internals: keep their sentence generic.
    detail = STATUS[code] >= 500 ? genericFor(code) : err.message;
  } else if (err instanceof HttpProblem) {
    code = err.code;
    detail = err.message;
    retryAfterS = err.retryAfterS;
  }
  const status = STATUS[code] ?? 500;
  return { type: `about:blank#${code}`, title: TITLES[status] ?? 'Error', status, code, detail, instance, retryAfterS };
}

function genericFor(code: ProblemCode): string {
  if (code === 'signing_failed') return 'The file could not be signed; the service operator should check the signing identity.';
  if (code === 'bad_config') return 'The service is misconfigured; the operator should check its configuration.';
  return 'An internal error occurred; the request id in the logs identifies it.';
}

export function sendProblem(res: Response, err: unknown): Problem & { storage?: StorageFault } {
  const p = toProblem(err, res.req?.originalUrl?.split('?')[0]);
  const { retryAfterS, storage: _storage, ...body } = p;
  if (retryAfterS !== undefined) res.setHeader('Retry-After', String(retryAfterS));
  res.locals.errorCode = body.code;
  res.status(body.status).type('application/problem+json').send(JSON.stringify(body));
  return p;
}
