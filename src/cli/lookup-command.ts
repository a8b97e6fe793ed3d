/**
 * `labeller records lookup ISCC:…`: which labelled output an ISCC Content-Code belongs to (the
 * soft-binding resolver of the command line). Exit 0 with the record, 1 when nothing in the
 * record is near the code, 2 for a code that is not an ISCC Image- or Text-Code.
 */
import type { Command } from 'commander';
import { loadConfig } from '../config.js';
import { LabellerError } from '../domain/errors.js';
import { decodeUnit } from '../domain/iscc/index.js';
import { openRecordStore } from '../registry/index.js';
import { EXIT, fail, say } from './common.js';

export function registerLookup(records: Command): void {
  records
    .command('lookup <iscc>')
    .description('Find the labelled output an ISCC Image- or Text-Code (computed from a copy) belongs to: its record and manifest label')
    .option('--json', 'print the match as JSON')
    .action(async (code: string, flags: { json?: boolean }) => {
      try {
        const unit = code.length <= 100 ? decodeUnit(code) : undefined;
        if (unit?.mainType !== 2 || unit.subType > 1 || unit.bits < 64)
          throw new LabellerError('bad_option', `"${code.slice(0, 100)}" is not an ISCC Image-Code or Text-Code of 64 bits or more (ISCC:EEA… or ISCC:EAA…)`);
        const registry = await openRecordStore(loadConfig(), { mustExist: true });
        try {
          const found = await registry.lookupIscc(code);
          if (flags.json)
            process.stdout.write(
              `${JSON.stringify(found ? { iscc: code, distance: found.distance, matched: found.matched, manifestLabel: found.record.manifestLabel ?? null, record: found.record } : { iscc: code, match: null }, null, 2)}\n`,
            );
          else if (found) {
            const r = found.record;
            process.stdout.write(`${r.id}\t${r.time}\t${r.actor}\t${r.door}\t${r.format}\tdistance ${found.distance}/64\tmanifest ${r.manifestLabel ?? '-'}\n`);
          } else say(`no labelled output in the record has an ISCC near ${code}`);
          process.exitCode = found ? EXIT.ok : EXIT.invalid;
        } finally {
          await registry.close();
        }
      } catch (err) {
        process.exitCode = fail(err);
      }
    });
}
