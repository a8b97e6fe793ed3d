/**
 * `labeller records list|export|check|lookup|erase|migrate`: the provenance record from the command line.
 * check exits 0 when the chain is intact, 1 when it was tampered with, 2 when unusable.
 */
import { type Command, Option } from 'commander';
import { loadConfig } from '../config.js';
import type { StoredRecord } from '../core/types.js';
import { checkRecord, exportRecords, openRecordStore, openRegistry, type ExportFormat } from '../registry/index.js';
import { migrateToPostgres } from '../registry/migrate.js';
import { LabellerError } from '../domain/errors.js';
import { DEFAULT_PAGE, MAX_PAGE, parseRecordQuery } from '../domain/record-query.js';
import { EXIT, fail, say, writeAtomic } from './common.js';
import { registerLookup } from './lookup-command.js';
import { registerErase } from './erase-command.js';

interface ListFlags {
  from?: string;
  to?: string;
  actor?: string;
  type?: 'label' | 'verify' | 'review';
  verdict?: string;
  limit?: string;
  cursor?: string;
  json?: boolean;
}

export function register(program: Command): void {
  const records = program.command('records').description('The provenance record: every labelling and verification, hash-chained');

  records
    .command('list')
    .description('List records, newest first')
    .option('--from <date>', 'from this ISO date or date-time (inclusive)')
    .option('--to <date>', 'to this ISO date (the whole day) or date-time')
    .option('--actor <name>', "only this actor (API key name, 'cli', 'watch')")
    .addOption(new Option('--type <type>', 'only labels, verifications or review events').choices(['label', 'verify', 'review']))
    .option('--verdict <verdict>', 'only verifications with this verdict (compliant, non-compliant, invalid, not-ai, unknown)')
    .option('--limit <n>', `rows per page (1-${MAX_PAGE}, default ${DEFAULT_PAGE})`)
    .option('--cursor <cursor>', 'continue from a previous page')
    .option('--json', 'print the page as JSON')
    .action(async (flags: ListFlags) => {
      process.exitCode = await guarded(async () => {
        const registry = await openRecordStore(loadConfig());
        try {
          const { json: _json, ...filters } = flags;
          const page = await registry.list(parseRecordQuery(filters, 'cli'));
          if (flags.json) process.stdout.write(JSON.stringify(page, null, 2) + '\n');
          else {
            for (const r of page.items) process.stdout.write(listLine(r) + '\n');
            if (page.next) say(`more records: add --cursor ${page.next}`);
          }
          return EXIT.ok;
        } finally {
          await registry.close();
        }
      });
    });

  records
    .command('export')
    .description('Export the records of a date range, oldest first (compliance evidence)')
    .requiredOption('--from <date>', 'from this ISO date or date-time (inclusive)')
    .requiredOption('--to <date>', 'to this ISO date (the whole day) or date-time')
    .addOption(new Option('--format <format>', 'file format').choices(['csv', 'json']).default('csv'))
    .option('-o, --output <file>', 'write to this file instead of standard output')
    .option('-f, --force', 'replace an existing output file')
    .action(async (flags: { from: string; to: string; format: ExportFormat; output?: string; force?: boolean }) => {
      process.exitCode = await guarded(async () => {
        const registry = await openRecordStore(loadConfig());
        try {
          const text = await exportRecords(registry, { from: flags.from, to: flags.to }, flags.format);
          if (flags.output) writeAtomic(flags.output, text, flags.force);
          else process.stdout.write(text);
          return EXIT.ok;
        } finally {
          await registry.close();
        }
      });
    });

  registerLookup(records);

  records
    .command('migrate')
    .description('Copy this SQLite record into an empty PostgreSQL database, then verify both chains: exit 0 verified, 1 not, 2 unusable')
    .requiredOption('--to <url>', 'postgres://user:password@host:port/database (an empty database)')
    .option('--json', 'print the result as JSON')
    .action(async (flags: { to: string; json?: boolean }) => {
      process.exitCode = await guarded(async () => {
        if (!/^postgres(ql)?:\/\//i.test(flags.to)) throw new LabellerError('bad_option', '--to must be a postgres:// or postgresql:// URL');
        const config = loadConfig();
        const registry = openRegistry(config, { mustExist: true });
        try {
          const r = await migrateToPostgres(registry, flags.to, { maxPixels: config.maxPixels });
          if (flags.json) process.stdout.write(JSON.stringify({ from: registry.where, to: r.where, ...r }, null, 2) + '\n');
          else if (r.verified)
            process.stdout.write(`copied ${r.copied} records and ${r.prompts} prompts to ${r.where}; chain verified: intact, head hash ${r.target.head}\n`);
          else
            process.stdout.write(
              `NOT VERIFIED: the copy at ${r.where} has ${r.target.rows} intact rows, head ${r.target.head}; the original ${r.source.rows}, head ${r.source.head}\n`,
            );
          return r.verified ? EXIT.ok : EXIT.invalid;
        } finally {
          await registry.close();
        }
      });
    });
  registerErase(records);

  records
    .command('check')
    .description('Verify the hash chain: exit 0 intact, 1 tampered with, 2 unusable')
    .option('--json', 'print the result as JSON')
    .action(async (flags: { json?: boolean }) => {
      process.exitCode = await guarded(async () => {
        const registry = await openRecordStore(loadConfig(), { mustExist: true });
        try {
          const report = await checkRecord(registry);
          const types = await registry.countTypes();
          // Prompts sit outside the chain; each kept one must still match the salted hash its row carries.
          const promptsChanged = (await registry.promptMismatches?.()) ?? [];
          if (flags.json) process.stdout.write(JSON.stringify({ file: registry.where, ...report, types, promptsChanged }, null, 2) + '\n');
          else if (report.intact) {
            const kinds = `${types.label ?? 0} labels, ${types.verify ?? 0} verifications, ${types.review ?? 0} review events`;
            process.stdout.write(
              `intact: ${report.rows} records${report.pruned ? ` (${report.pruned} older ones removed by retention)` : ''}; head hash ${report.head}\n  ${kinds}\n`,
            );
          } else {
            const bad = report.firstBad!;
            process.stdout.write(`TAMPERED: record seq ${bad.seq}${bad.id ? ` (id ${bad.id})` : ''}: ${bad.reason}\n`);
          }
          for (const id of promptsChanged) process.stdout.write(`TAMPERED: the prompt kept for record ${id} does not match the salted hash in its row\n`);
          return report.intact && !promptsChanged.length ? EXIT.ok : EXIT.invalid;
        } finally {
          await registry.close();
        }
      });
    });
}

function listLine(r: StoredRecord): string {
  // A review row shows its event (submitted, approved, rejected, expired, purged) where a verification shows its verdict.
  const what = r.verdict ?? (r.type === 'review' ? String(r.data.event) : '-');
  return [r.seq, r.id, r.time, r.type, r.actor, r.door, r.format, what, (r.outputSha256 ?? r.inputSha256).slice(0, 12)].join('\t');
}

async function guarded(run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (err) {
    return fail(err);
  }
}
