import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Command, Option } from 'commander';
import { CLI_SWITCHES, cliFlagOf, fieldHelp, LABEL_FIELDS, parseLabelOptions, textFormatFromName } from '../domain/label-fields.js';
import type { CoreContext, LabelRecord } from '../core/types.js';
import type { LabelOptions } from '../core/options.js';
import { LabellerError } from '../domain/errors.js';
import { EXIT, fail, readInput, say, writeAtomic } from './common.js';
import { inOrder } from './in-order.js';

/** Flags generated from the one options contract, plus the CLI's own. */
type LabelFlags = Record<string, string | boolean | undefined> & { output: string; json?: boolean; force?: boolean; concurrency?: string };

export function register(program: Command): void {
  const cmd = program
    .command('label')
    .description('Label AI-generated files: burn in a visible warning, write IPTC/XMP, sign a C2PA manifest')
    .argument('<inputs...>', 'files to label: JPEG, PNG, WebP, AVIF, TIFF images; .txt, .md, .html texts')
    .requiredOption('-o, --output <path>', 'output file, or a directory (ending in /) for several inputs');
  for (const field of LABEL_FIELDS) cmd.option(CLI_SWITCHES.includes(field) ? cliFlagOf(field) : `${cliFlagOf(field)} <value>`, fieldHelp(field));
  // Earlier spellings, kept working: --lang and --ai-version.
  cmd.addOption(new Option('--lang <list>').hideHelp());
  cmd.addOption(new Option('--ai-version <version>').hideHelp());
  cmd
    .option('--json', 'print the record of what was done as JSON')
    .option('-f, --force', 'replace existing output files (including the input itself)')
    .option('--concurrency <n>', `files labelled at once (default: the number of cores, ${os.availableParallelism()} here)`)
    .action(async (inputs: string[], flags: LabelFlags) => {
      process.exitCode = await runLabel(inputs, flags);
    });
}

async function runLabel(inputs: string[], flags: LabelFlags): Promise<number> {
  const raw: Record<string, unknown> = { languages: flags.lang, aiSystemVersion: flags.aiVersion };
  for (const field of LABEL_FIELDS) {
    const v = flags[camel(field)];
    if (v !== undefined) raw[field] = v;
  }
  const options = parseLabelOptions(raw, 'cli');
  const toDir = inputs.length > 1 || /[\\/]$/.test(flags.output) || isDir(flags.output);
  const targets = inputs.map((input) => (toDir ? path.join(flags.output, path.basename(input)) : flags.output));
  const seen = new Set<string>();
  for (const t of targets) {
    if (seen.has(path.resolve(t))) throw new LabellerError('bad_option', `two inputs would be written to ${t}; give them different names`);
    seen.add(path.resolve(t));
  }
  const concurrency = concurrencyOf(flags.concurrency);
  // The core and its tools (sharp, c2pa-node, SQLite) load once the flags are known good: `label --help`
  // and a mistyped option answer without them.
  const [{ createContext }, { label }] = await Promise.all([import('../startup.js'), import('../core/label.js')]);
  const ctx = await createContext({ warn: say });
  // The review core (job store, webhooks) is loaded only when a file is to be held.
  if (options.review === 'required' || ctx.config.reviewRequired) return holdForReview(inputs, options, ctx, flags);
  // The progress bar's module is loaded only for a terminal that shows it.
  const progress = inputs.length > 1 && process.stderr.isTTY ? await import('cli-progress') : undefined;
  const bar = progress && new progress.SingleBar({ format: 'labelling {bar} {value}/{total} {file}', hideCursor: true }, progress.Presets.shades_classic);
  bar?.start(inputs.length, 0, { file: '' });
  // Several files at once keep every core busy (libvips runs one thread per pipeline here);
  // messages and records still come out in input order. Under a progress bar they wait for its end.
  const held: (() => void)[] = [];
  const records: LabelRecord[] = [];
  let exit: number = EXIT.ok;
  let finished = 0;
  await inOrder(
    inputs,
    concurrency,
    async (input, i): Promise<{ record?: LabelRecord; error?: unknown }> => {
      try {
        const target = targets[i];
        if (!flags.force && path.resolve(target) === path.resolve(input))
          throw new LabellerError('output_exists', 'the output would overwrite the input (use --force to allow it)');
        if (!flags.force && fs.existsSync(target)) throw new LabellerError('output_exists', `${target} already exists (use --force to replace it)`);
        const bytes = readInput(input, ctx.config.maxUploadBytes);
        const result = await label(
          bytes,
          {
            ...options,
            title: options.title ?? path.basename(input),
            textFormat: options.textFormat ?? textFormatFromName(input),
            fileName: input,
            outputName: target,
          },
          ctx,
          { actor: 'cli', door: 'cli' },
        );
        writeAtomic(target, result.bytes, flags.force);
        return { record: { ...result.record, ...({ input, output: target } as object) } };
      } catch (error) {
        return { error };
      } finally {
        bar?.update(++finished, { file: path.basename(input) });
      }
    },
    ({ record, error }, i) => {
      const input = inputs[i];
      const report = () => {
        if (record) for (const w of record.warnings) say(`${input}: ${w}`);
        else exit = Math.max(exit, fail(error, input));
      };
      if (record) records.push(record);
      if (bar) held.push(report);
      else report();
    },
  );
  bar?.stop();
  for (const report of held) report();
  if (flags.json) process.stdout.write(JSON.stringify(inputs.length === 1 && !toDir ? (records[0] ?? null) : records, null, 2) + '\n');
  return exit;
}

/**
 * `--review` (or REVIEW_REQUIRED): each file is labelled as a draft and held for an editor;
 * the job id is printed and nothing is written to -o. `labeller review approve <id> -o …` releases it.
 */
async function holdForReview(inputs: string[], options: LabelOptions, ctx: CoreContext, flags: LabelFlags): Promise<number> {
  const { jobSummary, submitForReview } = await import('../core/review.js');
  let exit: number = EXIT.ok;
  const jobs: Record<string, unknown>[] = [];
  for (const input of inputs) {
    try {
      const bytes = readInput(input, ctx.config.maxUploadBytes);
      const opts = { ...options, title: options.title ?? path.basename(input), textFormat: options.textFormat ?? textFormatFromName(input), fileName: input };
      const job = await submitForReview(bytes, opts, ctx, { actor: 'cli', door: 'cli' });
      jobs.push({ input, ...jobSummary(job) });
      if (!flags.json) process.stdout.write(`${job.id}\t${input}\tpending_review\n`);
      say(`${input}: held for review as job ${job.id}; nothing was written to ${flags.output} (approve it with: labeller review approve ${job.id} -o <file>)`);
    } catch (error) {
      exit = Math.max(exit, fail(error, input));
    }
  }
  if (flags.json) process.stdout.write(JSON.stringify(inputs.length === 1 ? (jobs[0] ?? null) : jobs, null, 2) + '\n');
  await ctx.records?.close();
  return exit;
}

function concurrencyOf(flag: string | undefined): number {
  if (flag === undefined) return os.availableParallelism();
  const n = Number(flag);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new LabellerError('bad_option', `--concurrency: "${flag}" is not a whole number from 1 to 64`);
  return n;
}

/** commander's property name for a flag: `--ai-system-version` → aiSystemVersion, `--text-kk` → textKk. */
function camel(field: string): string {
  return cliFlagOf(field)
    .slice(2)
    .replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export { endExiftool as shutdown } from '../provenance/exiftool.js';
