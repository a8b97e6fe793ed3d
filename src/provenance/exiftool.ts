/**
 * The one door to ExifTool (exiftool-vendored keeps a warm `-stay_open` process).
 * It reads files, so buffers go through a private temp file that is always removed.
 *
 * Labelling no longer reads through it: the editorial fields come from our own readers in a
 * parse worker with a deadline (signals/metadata.ts: XMP, EXIF, IPTC-IIM, PNG text), which
 * cover every format we label (JPEG, PNG, WebP, TIFF, AVIF). What they leave out, and ExifTool
 * would have read: a JPEG's extended XMP beyond its first packet, IIM in ISO 2022 character
 * sets other than UTF-8 (read as Latin-1), PNG raw profiles other than IPTC, and non-editorial
 * tags. It remains for /readyz and for tests that inspect outputs.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ExifTool, Tags } from 'exiftool-vendored';

let instance: Promise<ExifTool> | undefined;

/**
 * ExifTool's own XMP parser is slow on hostile packets (1 MB of numeric entities or thousands of
 * namespace prefixes: over 30 s, then retried). A read that takes this long is cut (its process
 * replaced) and not retried. A normal read takes milliseconds, a large TIFF well under a second.
 */
const READ_TIMEOUT_MS = 8_000;

/** Loaded on first use: a batch of files without metadata never needs it (~0.1 s of start-up). */
function tool(): Promise<ExifTool> {
  instance ??= import('exiftool-vendored').then(
    ({ ExifTool }) => new ExifTool({ maxProcs: Math.max(1, Math.min(4, os.cpus().length)), taskTimeoutMillis: READ_TIMEOUT_MS, taskRetries: 0 }),
  );
  return instance;
}

export type AnyTags = Tags & Record<string, unknown>;

export async function readTags(bytes: Buffer, ext: string): Promise<AnyTags> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'labeller-xt-'));
  const file = path.join(dir, `input.${ext.replace(/[^a-z0-9]/gi, '') || 'bin'}`);
  try {
    await fs.writeFile(file, bytes, { mode: 0o600 });
    return (await (await tool()).read(file)) as AnyTags;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

export async function readTagsFromFile(file: string): Promise<AnyTags> {
  return (await (await tool()).read(file)) as AnyTags;
}

/** Always called on shutdown: exiftool child processes must not outlive us. */
export async function endExiftool(): Promise<void> {
  const t = instance;
  instance = undefined;
  if (t) await (await t).end();
}
