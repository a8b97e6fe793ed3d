/**
 * Multipart parsing: one file in field `file`, kept in memory (never written to disk under
 * any name), plus short text fields for the options. Multer's errors become our codes.
 */
import type { Request, Response } from 'express';
import multer, { MulterError } from 'multer';
import { LabellerError } from '../errors.js';
import { HttpProblem } from './problem.js';

export interface Upload {
  bytes: Buffer;
  /** The caller's file name, reduced to a safe base name (for titles and download names only). */
  name: string;
  fields: Record<string, string>;
}

export function createUploadParser(maxBytes: number) {
  const mw = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: maxBytes, files: 1, fields: 32, fieldSize: 16 * 1024, parts: 40, headerPairs: 200 },
  }).single('file');

  return (req: Request, res: Response): Promise<Upload> =>
    new Promise((resolve, reject) => {
      if (!req.is('multipart/form-data')) {
        return reject(new HttpProblem('file_missing', 'Send the file as multipart/form-data in a field named "file".'));
      }
      mw(req, res, (err: unknown) => {
        if (err) return reject(translate(err, maxBytes));
        const file = req.file;
        if (!file) return reject(new HttpProblem('file_missing', 'No file was sent: add it in a multipart field named "file".'));
        const fields: Record<string, string> = {};
        for (const [k, v] of Object.entries((req.body ?? {}) as Record<string, unknown>)) {
          // A repeated field arrives as an array: the options take one value, or a comma list for languages.
          fields[k] = Array.isArray(v) ? v.map(String).join(',') : String(v);
        }
        resolve({ bytes: file.buffer, name: safeBaseName(file.originalname), fields });
      });
    });
}

function translate(err: unknown, maxBytes: number): Error {
  if (err instanceof MulterError) {
    if (err.code === 'LIMIT_FILE_SIZE') return new LabellerError('too_large', `The file is larger than the limit of ${(maxBytes / 1024 / 1024).toFixed(0)} MB.`);
    if (err.code === 'LIMIT_UNEXPECTED_FILE') return new HttpProblem('bad_request', `Unexpected file field "${String(err.field).slice(0, 40)}": send one file in the field "file".`);
    if (err.code === 'LIMIT_FILE_COUNT') return new HttpProblem('bad_request', 'Send one file per request.');
    return new HttpProblem('bad_request', `The form could not be read (${err.code.toLowerCase().replace(/_/g, ' ')}).`);
  }
  // busboy: malformed multipart bodies (missing boundary, truncated form...).
  return new HttpProblem('bad_request', 'The multipart form could not be read.');
}

/** The last path segment, without control characters or quotes; at most 200 characters. */
export function safeBaseName(name: string | undefined): string {
  // Browsers send UTF-8 file names that busboy decodes as latin1.
  let n = String(name ?? '');
  if (/[\u0080-\u00ff]/.test(n)) {
    const utf8 = Buffer.from(n, 'latin1').toString('utf8');
    if (!utf8.includes('\uFFFD')) n = utf8;
  }
  n = n.split(/[\\/]/).pop() ?? '';
  n = n.replace(/[\u0000-\u001f\u007f"<>|*?:]/g, '').replace(/^\.+/, '').trim();
  return n.slice(0, 200) || 'file';
}
