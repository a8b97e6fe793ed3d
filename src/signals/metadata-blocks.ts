/**
 * The metadata blocks of an image, cut from the file on the event loop without being read
 * (sharp's header read gives XMP, EXIF and IPTC; PNG text chunks and a TIFF's own text fields
 * are copied by walking chunk or entry headers only), packed into one buffer that moves to
 * the parse worker, where metadata-tasks.ts reads them.
 */
import { LabellerError } from '../domain/errors.js';
import { METADATA_LIMITS } from '../media/metadata-limits.js';
import { tiffTextBlock } from './exif-reader.js';
import { textChunks } from './png-chunks.js';
import { findXmpInBytes } from './xmp-reader.js';

export type BlockName = 'xmp' | 'exif' | 'iptc' | 'png' | 'scan';
export type Blocks = Partial<Record<BlockName, Buffer>>;
/** A block may come in pieces (a PNG's text chunks): they are copied once, into the packed buffer. */
type Pieces = Partial<Record<BlockName, Buffer | Buffer[]>>;
export type Layout = Partial<Record<BlockName, [start: number, end: number]>>;

export interface PackedBlocks {
  input: Buffer;
  layout: Layout;
  /** Compressed PNG text is in it: it may inflate to far more than its size (up to the metadata cap). */
  compressed: boolean;
}

/** What sharp's header read returned (absent when the header could not be read). */
export interface HeaderBlocks {
  xmp?: Buffer;
  exif?: Buffer;
  iptc?: Buffer;
}

export function collectBlocks(bytes: Buffer, format: string, header: HeaderBlocks | undefined): PackedBlocks {
  const png = format === 'png' ? textChunks(bytes) : undefined;
  const blocks: Pieces = {
    // A PNG's XMP is one of its text chunks: read there, not carried twice.
    xmp: format === 'png' ? undefined : header?.xmp,
    exif: header?.exif ?? (format === 'tiff' ? tiffTextBlock(bytes) : undefined),
    iptc: header?.iptc,
    png: png?.png,
  };
  // No packet where the format keeps it (SVG, GIF, an unreadable header): look for one in the bytes.
  if (!blocks.xmp && !png?.hasXmp) blocks.scan = findXmpInBytes(bytes);
  return pack(blocks, !!png?.compressed);
}

function pack(blocks: Pieces, compressed: boolean): PackedBlocks {
  const present = Object.entries(blocks)
    .map(([name, b]) => [name, b === undefined ? [] : [b].flat()] as [BlockName, Buffer[]])
    .filter(([, pieces]) => pieces.some((p) => p.length));
  const total = present.reduce((sum, [, pieces]) => sum + pieces.reduce((n, p) => n + p.length, 0), 0);
  // JPEG, PNG and WebP were held to this cap before any reader saw them; TIFF, AVIF, HEIF, GIF and SVG are held here.
  if (total > METADATA_LIMITS.totalBytes) {
    throw new LabellerError(
      'metadata_too_large',
      `the file's metadata takes more than ${METADATA_LIMITS.totalBytes / 1048576} MB (${present.map(([n]) => n).join(', ')}); such metadata is refused, not read`,
    );
  }
  // A buffer of its own (never the shared pool of Buffer.allocUnsafe), so it can be transferred.
  const input = Buffer.alloc(total);
  const layout: Layout = {};
  let at = 0;
  for (const [name, pieces] of present) {
    const start = at;
    for (const p of pieces) at += p.copy(input, at);
    layout[name] = [start, at];
  }
  return { input, layout, compressed };
}

export function unpack(input: Buffer, layout: Layout): Blocks {
  const out: Blocks = {};
  for (const [name, range] of Object.entries(layout) as [BlockName, [number, number]][]) out[name] = input.subarray(range[0], range[1]);
  return out;
}
