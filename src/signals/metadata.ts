/**
 * Reads an image's metadata for the detectors (verify) and for the editorial fields a label
 * carries over, without holding the event loop: the blocks are cut from the file here (sharp's
 * header read, itself in a worker when the text may be large, see media/header.ts; PNG chunk
 * and TIFF entry walks; no pixel decoding, no parsing), then parsed in
 * a parse worker with a deadline (media/worker/pool.ts). A hostile 8 MB packet costs the
 * worker up to a few seconds and the event loop nothing; past the deadline the worker is
 * replaced and the caller gets `metadata_too_complex`. No ExifTool: a round trip to it costs
 * more than the whole C2PA validation, and its parser is slower still on hostile XMP.
 */
import { LabellerError } from '../domain/errors.js';
import type { Signal } from '../domain/report.js';
import { type PrivacyItem, uniqueItems } from '../domain/personal-data.js';
import { personalInExif } from '../media/exif-scrub.js';
import { METADATA_LIMITS } from '../media/metadata-limits.js';
import { readHeaderOffLoop } from '../media/header.js';
import { runParseTask, taskModule } from '../media/worker/pool.js';
import type { EditorialFields } from '../provenance/xmp.js';
import { collectBlocks, type HeaderBlocks, type PackedBlocks } from './metadata-blocks.js';
import { TASKS, type MetadataTaskName, type MetadataTasks } from './metadata-tasks.js';

export type { HeaderBlocks } from './metadata-blocks.js';

export interface MetadataSignals {
  signals: Signal[];
  /** Personal data in the metadata (privacy.ts): names of fields, never values. */
  privacy: PrivacyItem[];
  /** Why the image header could not be read (truncated or damaged), when it could not. */
  headerError?: string;
}

/** Formats sharp may read headers of; SVG is never handed to a renderer here. */
const SHARP_READABLE = new Set(['jpeg', 'png', 'webp', 'avif', 'tiff', 'gif', 'heif']);
/**
 * Blocks up to this size are read on the event loop: the readers are linear, and the worst
 * 64 KB reads in a few milliseconds, less than a worker round trip. Compressed PNG text
 * always goes to the worker (it may inflate up to the metadata cap).
 */
const INLINE_BYTES = 64 * 1024;
/** 1 MB of metadata is read well within this; more gets more per megabyte (the cap is 8 MB). */
const BASE_DEADLINE_MS = 2_000;
const PER_MB_MS = 1_000;
const TASKS_MODULE = taskModule(import.meta.url, 'metadata-tasks');

let fixedDeadlineMs: number | undefined;

/** Tests set one deadline for every read, to see it work; undefined restores the default. */
export function setMetadataDeadline(ms: number | undefined): void {
  fixedDeadlineMs = ms;
}

/** The metadata detectors' signals (IPTC, GB 45438, software names, PNG generator text). */
export async function readMetadata(bytes: Buffer, format: string): Promise<MetadataSignals> {
  let header: HeaderBlocks | undefined;
  let headerError: string | undefined;
  if (SHARP_READABLE.has(format)) {
    const m = await readHeaderOffLoop(bytes, format);
    // Undecodable headers: fall back to a byte scan; the C2PA check still runs.
    if ('error' in m) headerError = m.error;
    else header = m;
  }
  const { signals, privacy } = await run('signals', collectBlocks(bytes, format, header));
  // A TIFF is itself the EXIF structure (GPS and Exif sub-IFDs hang off its first IFD): walked in place, bounded, never copied.
  const all = format === 'tiff' ? uniqueItems([...privacy, ...personalInExif(bytes)]) : privacy;
  return { signals, privacy: all, ...(headerError ? { headerError } : {}) };
}

/** The editorial fields to carry over into a label, from the blocks the probe's header read returned. */
export function readEditorial(bytes: Buffer, format: string, header: HeaderBlocks): Promise<EditorialFields> {
  return run('editorial', collectBlocks(bytes, format, header));
}

async function run<T extends MetadataTaskName>(task: T, packed: PackedBlocks): Promise<ReturnType<MetadataTasks[T]>> {
  const { input, layout, compressed } = packed;
  if (input.length <= INLINE_BYTES && !compressed) return TASKS[task](input, layout) as ReturnType<MetadataTasks[T]>;
  // Compressed text is budgeted as if it inflated to the cap it was checked against.
  const deadlineMs =
    fixedDeadlineMs ?? BASE_DEADLINE_MS + PER_MB_MS * Math.max(0, Math.ceil((compressed ? METADATA_LIMITS.totalBytes : input.length) / 1048576) - 1);
  return runParseTask({
    module: TASKS_MODULE,
    task,
    input,
    arg: layout,
    transfer: true,
    deadlineMs,
    overrun: () =>
      new LabellerError(
        'metadata_too_complex',
        `the file's metadata could not be read within ${(deadlineMs / 1000).toFixed(1)} s; it is unusually large or complex`,
      ),
    outOfMemory: () => new LabellerError('metadata_too_large', "the file's metadata is too large to read in the memory metadata may use"),
  });
}
