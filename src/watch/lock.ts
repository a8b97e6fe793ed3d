/**
 * One watcher per folder: recovery assumes no other process is moving files in `.work/`.
 * The lock names its process; a lock whose process is gone (kill -9, reboot) is taken over.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { LabellerError } from '../domain/errors.js';
import { LOCK_FILE } from './layout.js';

const heldHere = new Set<string>();

/**
 * `takeOver`: the caller holds the folder's lease on the shared record (PostgreSQL), which only
 * one instance can hold, so a lock file left behind is stale whatever process it names (on a
 * shared volume that process may have run on another machine, where its pid means nothing here).
 */
export async function acquireLock(root: string, opts: { takeOver?: boolean } = {}): Promise<() => Promise<void>> {
  const file = path.join(root, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await fs.writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      heldHere.add(root);
      return async () => {
        heldHere.delete(root);
        await fs.rm(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number.parseInt(await fs.readFile(file, 'utf8').catch(() => ''), 10);
    const busy = pid === process.pid ? heldHere.has(root) : !opts.takeOver && pid > 0 && isAlive(pid);
    if (busy) throw new LabellerError('bad_config', `another watcher (process ${pid}) is already using ${root}; stop it first`);
    await fs.rm(file, { force: true }); // stale: its process is gone
  }
  throw new LabellerError('io_error', `cannot take the lock ${file}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
