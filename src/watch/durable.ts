/**
 * Durability against power loss, not only against a killed process: a file's data is flushed
 * before it is renamed into place, and the folder after the rename, so a "done" name never
 * points at an empty or half-written file after a power cut.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

/** Writes a new file (never an existing one) and flushes it to disk. */
export async function writeDurable(file: string, bytes: Buffer | string): Promise<void> {
  const fh = await fs.open(file, 'wx');
  try {
    await fh.writeFile(bytes);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Copies a file (no read into memory), never over an existing one, and flushes the copy. */
export async function copyDurable(from: string, to: string): Promise<void> {
  await fs.copyFile(from, to, fs.constants.COPYFILE_EXCL);
  const fh = await fs.open(to, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Flushes a folder's entries (renames, creations) to disk. */
export async function syncDir(dir: string): Promise<void> {
  let fh: fs.FileHandle;
  try {
    fh = await fs.open(dir, 'r');
  } catch (err) {
    // Platforms that cannot open a folder (Windows) keep their own metadata ordering.
    if (['EISDIR', 'EPERM', 'EACCES'].includes((err as NodeJS.ErrnoException).code ?? '')) return;
    throw err;
  }
  try {
    await fh.sync();
  } catch (err) {
    if (!['EINVAL', 'ENOTSUP', 'EBADF'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
  } finally {
    await fh.close();
  }
}

/** Can the worker write here again? A small file, flushed and removed (after a full disk). */
export async function probeWritable(dir: string): Promise<void> {
  const file = path.join(dir, `.probe-${process.pid}`);
  try {
    const fh = await fs.open(file, 'w');
    try {
      await fh.writeFile(Buffer.alloc(64 * 1024));
      await fh.sync();
    } finally {
      await fh.close();
    }
  } finally {
    await fs.rm(file, { force: true });
  }
}
