/**
 * Who is calling: `Authorization: Bearer <secret>` or `X-API-Key: <secret>`.
 * 401 without a key, 403 for one that matches nothing. The key's name (never the secret)
 * goes to res.locals.keyName for the record and the logs, its role to res.locals.keyRole.
 */
import type { RequestHandler, Request, Response } from 'express';
import type { Role } from '../domain/review.js';
import type { KeyStore } from './api-keys.js';
import { HttpProblem } from './problem.js';

export function presentedKey(req: Request): string | undefined {
  const auth = req.get('authorization');
  const m = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
  if (m) return m[1];
  const x = req.get('x-api-key')?.trim();
  return x || undefined;
}

export function requireKey(keys: KeyStore, required: boolean | (() => boolean) = true): RequestHandler {
  return (req, res, next) => {
    const secret = presentedKey(req);
    const mustHave = typeof required === 'function' ? required() : required;
    if (!secret) {
      if (!mustHave) return next();
      res.setHeader('WWW-Authenticate', 'Bearer realm="labeller"');
      return next(new HttpProblem('missing_key', 'This endpoint needs an API key: send "Authorization: Bearer <key>" or "X-API-Key: <key>".'));
    }
    const name = keys.match(secret);
    if (!name) return next(new HttpProblem('bad_key', 'The API key is not valid for this service.'));
    res.locals.keyName = name;
    res.locals.keyRole = keys.roleOf?.(name) ?? 'labeller';
    next();
  };
}

/** The caller as the review core sees it: key name and role (a key is required before this). */
export function callerOf(res: Response): { key: string; role: Role } {
  return { key: String(res.locals.keyName), role: (res.locals.keyRole as Role | undefined) ?? 'labeller' };
}
