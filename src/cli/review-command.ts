/**
 * `labeller review list|show|approve|reject|output`: the editor's decisions from the command
 * line. The CLI is the local operator, with the admin role (it can read DATA_DIR anyway).
 * Exit codes: 0 done; 2 bad usage, no such job, or a job not in the state asked for.
 */
import { type Command, Option } from 'commander';
import { approveJob, expireJobs, getJob, jobOutput, jobSummary, listJobs, rejectJob, type Caller, type Job } from '../core/review.js';
import type { CoreContext } from '../core/types.js';
import { JOB_STATES } from '../domain/review.js';
import { jobStoreFor } from '../review/store.js';
import { WebhookDeliverer } from '../review/webhook.js';
import { createContext } from '../startup.js';
import { EXIT, fail, say, writeAtomic } from './common.js';

const OPERATOR: Caller = { key: 'cli', role: 'admin', door: 'cli' };

export function register(program: Command): void {
  const review = program
    .command('review')
    .description('Held files: list them, approve (released, signed with the review) or reject (with a reason); the CLI acts as the admin');

  review
    .command('list')
    .description('Jobs held for review (newest first)')
    .addOption(new Option('--state <state>', 'only jobs in this state').choices([...JOB_STATES]).default('pending_review'))
    .option('--all', 'every job, whatever its state')
    .option('--json', 'print the jobs as JSON')
    .action(async (flags: { state: string; all?: boolean; json?: boolean }) => {
      process.exitCode = await withContext(async (ctx) => {
        await expireJobs(ctx);
        const jobs = await listJobs(OPERATOR, ctx, flags.all ? {} : { state: flags.state });
        if (flags.json) process.stdout.write(JSON.stringify(jobs.map(jobSummary), null, 2) + '\n');
        else for (const j of jobs) process.stdout.write(line(j) + '\n');
        return EXIT.ok;
      });
    });

  review
    .command('show')
    .description('One job as JSON')
    .argument('<id>')
    .action(async (id: string) => {
      process.exitCode = await withContext(async (ctx) => {
        process.stdout.write(JSON.stringify(jobSummary(await getJob(id, OPERATOR, ctx)), null, 2) + '\n');
        return EXIT.ok;
      });
    });

  review
    .command('approve')
    .description('Approve a held file: it is labelled again with the review signed into its manifest, recorded and released')
    .argument('<id>')
    .addOption(
      new Option(
        '--wording <which>',
        'the visible warning: "reviewed" («… редакция тексерген» / «… проверено редакцией» / "… reviewed by the editors") or "draft" (as labelled)',
      ).choices(['reviewed', 'draft']),
    )
    .option('--name <name>', 'your name, as it goes into the manifest next to the reviewer "cli"')
    .option('-o, --output <file>', 'also write the released file here')
    .option('-f, --force', 'replace an existing output file')
    .option('--json', 'print the job as JSON')
    .action(async (id: string, flags: { wording?: 'reviewed' | 'draft'; name?: string; output?: string; force?: boolean; json?: boolean }) => {
      process.exitCode = await withContext(async (ctx) => {
        const job = await approveJob(id, OPERATOR, { wording: flags.wording, reviewerName: flags.name }, ctx);
        if (flags.output) writeAtomic(flags.output, (await jobOutput(id, OPERATOR, ctx)).bytes, flags.force);
        await notify(ctx);
        print(job, flags.json, flags.output ? `approved; written to ${flags.output}` : 'approved');
        return EXIT.ok;
      });
    });

  review
    .command('reject')
    .description('Reject a held file: nothing is released, its draft is deleted')
    .argument('<id>')
    .requiredOption('--reason <text>', 'why, in a line (goes to the record and the submitter)')
    .option('--name <name>', 'your name')
    .option('--json', 'print the job as JSON')
    .action(async (id: string, flags: { reason: string; name?: string; json?: boolean }) => {
      process.exitCode = await withContext(async (ctx) => {
        const job = await rejectJob(id, { ...OPERATOR, name: flags.name }, flags.reason, ctx);
        await notify(ctx);
        print(job, flags.json, 'rejected');
        return EXIT.ok;
      });
    });

  review
    .command('output')
    .description('Write the released file of an approved job')
    .argument('<id>')
    .requiredOption('-o, --output <file>', 'where to write it')
    .option('-f, --force', 'replace an existing output file')
    .action(async (id: string, flags: { output: string; force?: boolean }) => {
      process.exitCode = await withContext(async (ctx) => {
        writeAtomic(flags.output, (await jobOutput(id, OPERATOR, ctx)).bytes, flags.force);
        return EXIT.ok;
      });
    });
}

function line(j: Job): string {
  return [j.id, j.state, j.createdAt, j.submitter.actor, j.format, j.fileName ?? '-', j.decision?.by?.key ?? '-'].join('\t');
}

function print(job: Job, json: boolean | undefined, what: string): void {
  if (json) process.stdout.write(JSON.stringify(jobSummary(job), null, 2) + '\n');
  else process.stdout.write(`${job.id}\t${job.state}\n`);
  say(`job ${job.id} ${what}${job.output?.labelRecordId ? ` (record ${job.output.labelRecordId})` : ''}`);
}

/** One delivery attempt now when WEBHOOK_URL is set; the service retries what fails. */
async function notify(ctx: CoreContext): Promise<void> {
  if (!ctx.config.webhookUrl) return;
  const d = new WebhookDeliverer(ctx.config, jobStoreFor(ctx.config.dataDir).root, { timeoutMs: 5000 });
  await d.flush();
  if (d.stats.failing) say('the webhook could not be delivered now; the service retries it');
}

async function withContext(run: (ctx: CoreContext) => Promise<number>): Promise<number> {
  let ctx: CoreContext | undefined;
  try {
    ctx = await createContext({ warn: say });
    return await run(ctx);
  } catch (err) {
    return fail(err);
  } finally {
    await ctx?.records?.close().catch(() => {});
  }
}

export { endExiftool as shutdown } from '../provenance/exiftool.js';
