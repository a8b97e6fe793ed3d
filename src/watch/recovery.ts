/**
 * Start-up recovery: finishes or rolls back whatever a crash left in `.work/`, then removes
 * every temporary output. Run while no job is running (the watcher does it before starting).
 * Idempotent: running it twice, or crashing during it and running it again, is harmless.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { rollBackClaim } from './claim.js';
import { INPUT, JOURNAL, applyMoves, exists, jobDir, readJournal, type Journal } from './journal.js';
import { DESTINATIONS, FOLDERS, OWN_TEMP, ensureLayout } from './layout.js';

export interface RecoveryResult {
  /** Claimed jobs whose input is safe in the work area: to be processed again. */
  resume: Journal[];
  /** Commits that were interrupted and are now complete. */
  completed: number;
  /** Claims undone (the file had not been moved yet) or empty job folders removed. */
  rolledBack: number;
  /** Temporary outputs deleted. */
  tempsRemoved: number;
}

export async function recoverWorkArea(root: string): Promise<RecoveryResult> {
  await ensureLayout(root);
  const result: RecoveryResult = { resume: [], completed: 0, rolledBack: 0, tempsRemoved: 0 };
  const work = path.join(root, FOLDERS.work);
  for (const entry of await fs.readdir(work, { withFileTypes: true })) {
    if (!entry.isDirectory()) {
      await fs.rm(path.join(work, entry.name), { force: true });
      continue;
    }
    const id = entry.name;
    const j = await readJournal(root, id);
    if (!j) {
      // Crash before the journal existed: nothing was moved in yet.
      await fs.rm(jobDir(root, id), { recursive: true, force: true });
      result.rolledBack++;
    } else if (j.state === 'commit') {
      await applyMoves(root, j.moves ?? []);
      await fs.rm(jobDir(root, id), { recursive: true, force: true });
      result.completed++;
    } else if (await exists(path.join(jobDir(root, id), INPUT))) {
      // Claimed, outputs not committed: redo it. Its temporaries are swept below.
      for (const f of await fs.readdir(jobDir(root, id))) if (f.startsWith(`${JOURNAL}.`)) await fs.rm(path.join(jobDir(root, id), f), { force: true });
      result.resume.push(j);
    } else {
      await rollBackClaim(root, j);
      result.rolledBack++;
    }
  }
  // Every commit is done, so any temporary output left is from a job that will be redone.
  for (const folder of DESTINATIONS) {
    for (const name of await fs.readdir(path.join(root, folder))) {
      if (OWN_TEMP.test(name)) {
        await fs.rm(path.join(root, folder, name), { force: true });
        result.tempsRemoved++;
      }
    }
  }
  result.resume.sort((a, b) => a.claimedAt.localeCompare(b.claimedAt));
  return result;
}
