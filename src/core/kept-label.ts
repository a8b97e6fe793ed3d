/**
 * A label made once and kept on disk before it is recorded, for work that may be redone after a
 * crash (the watch folder, queued REST jobs): a redo reuses the saved label instead of making a
 * new one, so the record's row (written once, under the job's idempotency key) and the file
 * handed out are always the same bytes.
 */
import fs from 'node:fs/promises';
import type { GreyImage } from '../domain/record.js';
import { label, sha256 } from './label.js';
import type { LabelOptions } from './options.js';
import type { Actor, CoreContext, LabelRecord } from './types.js';

/** Where the labelled bytes and their record are kept. */
export interface KeptFiles {
  output: string;
  record: string;
}

export interface Kept {
  bytes: Buffer;
  record: LabelRecord;
}

/** Labels `input` (or reloads the label an earlier attempt kept) and records it under `actor.jobId`. */
export async function labelKept(files: KeptFiles, input: Buffer, options: LabelOptions & { fileName?: string }, ctx: CoreContext, actor: Actor): Promise<Kept> {
  const made: Kept & { grey?: GreyImage } = (await loadKept(files)) ?? (await makeKept(files, input, options, ctx, actor));
  if (ctx.records) made.record.id = await ctx.records.recordLabel(made.record, actor, made.bytes, made.grey);
  return made;
}

/** The label an earlier attempt kept, if it is complete and intact. */
export async function loadKept(files: KeptFiles): Promise<Kept | undefined> {
  try {
    const record = JSON.parse(await fs.readFile(files.record, 'utf8')) as LabelRecord;
    const bytes = await fs.readFile(files.output);
    return sha256(bytes) === record.outputSha256 ? { bytes, record } : undefined;
  } catch {
    return undefined;
  }
}

async function makeKept(
  files: KeptFiles,
  input: Buffer,
  options: LabelOptions & { fileName?: string },
  ctx: CoreContext,
  actor: Actor,
): Promise<Kept & { grey?: GreyImage }> {
  // Recorded by the caller, after the output is kept.
  const result = await label(input, options, { ...ctx, records: undefined }, actor);
  await writeAtomic(files.output, result.bytes);
  await writeAtomic(files.record, JSON.stringify(result.record));
  // The thumbnail's grey pixels spare the record a decode of the output (absent for a reloaded label).
  return { bytes: result.bytes, record: result.record, grey: result.grey };
}

async function writeAtomic(file: string, bytes: Buffer | string): Promise<void> {
  await fs.writeFile(`${file}.tmp`, bytes);
  await fs.rename(`${file}.tmp`, file);
}
