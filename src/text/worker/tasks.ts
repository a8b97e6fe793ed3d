/**
 * What the text worker can be asked to do: pure functions of bytes, with plain-data
 * results. Buffers arrive as Uint8Array (structured clone) and are wrapped again here.
 */
import type { TextFormat } from '../../media/sniff.js';
import type { Hash64 } from '../../domain/hash64.js';
import { textSimhash } from '../simhash.js';
import { prepareTextLabel, type LabelRequest, type PreparedText } from '../label-prepare.js';
import { analyseText, type TextAnalysis } from '../verify-analysis.js';
import { textFileCode } from '../reader-text.js';
import { textCopy, type TextCopyKind } from '../copies.js';
import type { TextCodes } from '../../domain/iscc/index.js';

export interface TextTasks {
  verify(input: Buffer, hint?: TextFormat): TextAnalysis;
  label(input: Buffer, request: LabelRequest): PreparedText;
  simhash(input: Buffer): Hash64 | undefined;
  iscc(input: Buffer, hint?: TextFormat): TextCodes;
  copy(input: Buffer, request: { kind: TextCopyKind; hint?: TextFormat }): Buffer;
}

export const TASKS: TextTasks = {
  verify: analyseText,
  label: prepareTextLabel,
  simhash: (input) => textSimhash(input.toString('utf8')),
  iscc: textFileCode,
  copy: (input, r) => textCopy(input, r.kind, r.hint),
};

export type TaskName = keyof TextTasks;

export function asBuffer(u: Uint8Array): Buffer {
  return Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}
