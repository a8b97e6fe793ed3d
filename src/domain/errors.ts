/**
 * The project's own error: a stable machine code plus a sentence an editor understands.
 * Doors map `code` to their own vocabulary (HTTP status, exit code) in one table each.
 */
export type ErrorCode =
  | 'empty_input'
  | 'unsupported_type'
  | 'svg_not_supported'
  | 'corrupt_input'
  | 'too_many_pixels'
  | 'too_large'
  | 'text_encoding_undecidable'
  | 'text_too_complex'
  | 'metadata_too_complex'
  | 'metadata_too_large'
  | 'bad_option'
  | 'bad_config'
  | 'signing_failed'
  | 'not_found'
  | 'output_exists'
  | 'io_error'
  /** The caller's role may not do this (the message names the role needed). */
  | 'role_required'
  /** Four eyes (REVIEW_FOUR_EYES): the approver submitted the file themselves. */
  | 'four_eyes'
  /** A review job that is not in the state the request needs (decided already, not approved yet). */
  | 'job_state';

export class LabellerError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LabellerError';
    this.code = code;
  }
}

/** True for errors caused by the input or the caller (4xx / exit 2), false for our own faults. */
export function isInputError(err: unknown): err is LabellerError {
  return err instanceof LabellerError && !['signing_failed', 'io_error', 'bad_config'].includes(err.code);
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
