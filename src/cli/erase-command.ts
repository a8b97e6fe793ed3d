/**
 * `labeller records erase <id> --prompt`: deletes a label's prompt text from the record (a
 * data subject's request). Exit 0 when the prompt is gone (or was never kept), 2 for an unknown
 * record or a missing --prompt. The CLI is the local operator and acts as admin.
 */
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { erasePrompt } from '../core/erase.js';
import { LabellerError } from '../domain/errors.js';
import { openRecordStore } from '../registry/index.js';
import { EXIT, fail, say } from './common.js';

export function registerErase(records: Command): void {
  records
    .command('erase <id>')
    .description(
      "Erase personal data kept with a label record: --prompt deletes its prompt and writer (the chained row keeps only a salted hash, so 'records check' still passes)",
    )
    .option('--prompt', 'erase the prompt text and its writer')
    .action(async (id: string, flags: { prompt?: boolean }) => {
      try {
        if (!flags.prompt) throw new LabellerError('bad_option', 'say what to erase: --prompt');
        const registry = await openRecordStore(loadConfig(), { mustExist: true });
        try {
          say((await erasePrompt(registry, id)).message);
          process.exitCode = EXIT.ok;
        } finally {
          await registry.close();
        }
      } catch (err) {
        process.exitCode = fail(err);
      }
    });
}
