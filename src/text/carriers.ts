/**
 * Every C2PA carrier a text can hold, whatever its format: A.8 wrappers, A.9 blocks, A.7
 * script elements and manifest links. A text must hold exactly one; several mean none can
 * be relied on.
 */
import { findA7Carriers } from './a7-html.js';
import { findA8Wrappers } from './a8-wrapper.js';
import { findA9Blocks } from './a9-block.js';

export type CarrierKind = 'A.8' | 'A.9' | 'A.7';

export interface Carrier {
  kind: CarrierKind;
  /** UTF-16 indexes in the decoded text. */
  start: number;
  end: number;
  store?: Buffer;
  url?: string;
  problem?: string;
}

export function findCarriers(text: string): Carrier[] {
  return [
    ...findA8Wrappers(text).map((c) => ({ kind: 'A.8' as const, ...c })),
    ...findA9Blocks(text).map((c) => ({ kind: 'A.9' as const, ...c })),
    ...findA7Carriers(text).map((c) => ({ kind: 'A.7' as const, ...c })),
  ].sort((a, b) => a.start - b.start);
}

/** The text with the given carriers cut out (later ones first, so indexes stay right). */
export function cutCarriers(text: string, carriers: Carrier[]): string {
  let out = text;
  for (const c of [...carriers].sort((a, b) => b.start - a.start)) out = out.slice(0, c.start) + out.slice(c.end);
  return out;
}
