/**
 * The text fingerprint: a 64-bit SimHash of word 3-shingles over what a reader sees. The
 * record indexes it to trace copies of our labelled texts that lost their manifest; it runs
 * in the text worker (worker/tasks.ts), so a megabyte of words never blocks the event loop.
 */
import { hash } from 'node:crypto';
import { bitsToHex, type Hash64 } from '../domain/hash64.js';

const BITS = 64;

/** SimHash of the visible text, or undefined when there is too little text to be distinctive. */
export function textSimhash(text: string): Hash64 | undefined {
  const words = normaliseText(text).split(' ').filter(Boolean);
  if (words.length < MIN_TEXT_WORDS) return undefined;
  // Each distinct shingle is hashed once and weighted by its count: the same sum, and a text
  // that repeats itself (hostile or not) costs its distinct shingles, not its length.
  const counts = new Map<string, number>();
  for (let i = 0; i + 3 <= words.length; i++) {
    const shingle = `${words[i]} ${words[i + 1]} ${words[i + 2]}`;
    counts.set(shingle, (counts.get(shingle) ?? 0) + 1);
  }
  const weights = new Float64Array(BITS);
  for (const [shingle, n] of counts) {
    const h = hash('sha1', shingle, 'buffer') as unknown as Buffer;
    for (let b = 0; b < BITS; b++) weights[b] += (h[b >> 3] >> (7 - (b & 7))) & 1 ? n : -n;
  }
  return bitsToHex(Array.from(weights, (w) => w > 0));
}

export const MIN_TEXT_WORDS = 8;

/**
 * Lower case, Unicode-compatibility folded, markup and punctuation removed, one space between
 * words: what a reader sees, not how it was encoded.
 */
export function normaliseText(text: string): string {
  return withoutTags(text.normalize('NFKC'))
    .replace(/&[a-z]+;|&#\d+;/gi, ' ')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * What /<[^>]*>/g replaced by a space, in one pass: that regex rescans to the end of the text
 * from every "<" when no ">" follows (200 KB of "<" took 85 s); here the first missing ">"
 * ends the scan, as no later "<" can close either.
 */
function withoutTags(s: string): string {
  let lt = s.indexOf('<');
  if (lt === -1) return s;
  const parts: string[] = [];
  let at = 0;
  while (lt !== -1) {
    const gt = s.indexOf('>', lt + 1);
    if (gt === -1) break;
    parts.push(s.slice(at, lt), ' ');
    at = gt + 1;
    lt = s.indexOf('<', at);
  }
  parts.push(s.slice(at));
  return parts.join('');
}
