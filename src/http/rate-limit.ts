/**
 * Requests per minute per API key, and anonymous verifications per minute per client address:
 * token buckets in this process's memory (one instance = one budget; behind a load balancer
 * each instance counts on its own). Beyond the budget: 429 with Retry-After.
 */
import type { RequestHandler } from 'express';
import { clientAddress } from './client-address.js';
import { HttpProblem } from './problem.js';

interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets kept at most; full (idle) ones are dropped first, so sprayed addresses cannot grow memory. */
const MAX_BUCKETS = 10_000;

export interface RateLimiter {
  /** Takes one token for `id`, or throws `rate_limited` with the seconds until the next one. */
  take(id: string): void;
}

export function createRateLimiter(perMinute: number, what: string, now: () => number = Date.now): RateLimiter {
  const buckets = new Map<string, Bucket>();
  const perMs = perMinute / 60_000;
  const refill = (b: Bucket, t: number) => {
    b.tokens = Math.min(perMinute, b.tokens + (t - b.at) * perMs);
    b.at = t;
  };
  const prune = (t: number) => {
    for (const [id, b] of buckets) {
      refill(b, t);
      if (b.tokens >= perMinute) buckets.delete(id);
    }
    // Still too many callers mid-budget: forget the oldest (they get a fresh budget).
    for (const id of buckets.keys()) {
      if (buckets.size <= MAX_BUCKETS / 2) break;
      buckets.delete(id);
    }
  };
  return {
    take(id: string) {
      if (perMinute <= 0) return;
      const t = now();
      let b = buckets.get(id);
      if (!b) {
        if (buckets.size >= MAX_BUCKETS) prune(t);
        b = { tokens: perMinute, at: t };
        buckets.set(id, b);
      } else refill(b, t);
      if (b.tokens < 1) {
        const retryAfterS = Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000));
        throw new HttpProblem('rate_limited', `More than ${perMinute} ${what} per minute; try again in ${retryAfterS} s.`, retryAfterS);
      }
      b.tokens -= 1;
    },
  };
}

/**
 * After the key check: a caller with a key spends from that key's budget; one without
 * (only verification allows that) from its address's anonymous budget.
 */
export function rateLimit(perKey: RateLimiter, anonymous: RateLimiter): RequestHandler {
  return (req, res, next) => {
    const key = res.locals.keyName as string | undefined;
    if (key) perKey.take(`key:${key}`);
    else anonymous.take(`ip:${clientAddress(req)}`);
    next();
  };
}
