import type { Command } from 'commander';
import { errorMessage, LabellerError } from '../domain/errors.js';
import { EXIT, say } from './common.js';

interface WatchFlags {
  once?: boolean;
  concurrency?: string;
  stableMs?: string;
  rescanMs?: string;
}

export function register(program: Command): void {
  program
    .command('watch')
    .description('Watch a folder: label files dropped in <dir>/inbox, verify files dropped in <dir>/verify-inbox')
    .argument('<dir>', 'the watch folder (inbox, outbox, failed, originals, verify-inbox and reports are created in it)')
    .option('--once', 'process what is there (finishing files still being written), then exit')
    .option('--concurrency <n>', 'files processed at the same time (default: number of cores)')
    .option('--stable-ms <ms>', 'a file must stay unchanged this long before it is taken (default 1000)')
    .option('--rescan-ms <ms>', 'full rescan interval, for missed filesystem events (default 2000)')
    .action(async (dir: string, flags: WatchFlags) => {
      process.exitCode = await runWatch(dir, flags);
    });
}

async function runWatch(dir: string, flags: WatchFlags): Promise<number> {
  const [{ pino }, { createContext }, { startWatcher }] = await Promise.all([import('pino'), import('../startup.js'), import('../watch/index.js')]);
  const ctx = await createContext({ warn: say });
  const logger = pino({ level: ctx.config.logLevel, base: { door: 'watch' } }, pino.destination(2));
  let halted: (why: string) => void = () => {};
  const halt = new Promise<string>((resolve) => (halted = resolve));
  const watcher = await startWatcher(dir, ctx, {
    once: flags.once,
    // --once stops at a halt (exit 2; the next run completes the job); a long-running worker
    // waits for the disk to have room again and resumes by itself.
    onHalt: flags.once ? () => halted('halted') : (err) => say(`halted: ${errorMessage(err)}; resuming by itself once files can be written again`),
    concurrency: positive(flags.concurrency, '--concurrency'),
    stabilityMs: positive(flags.stableMs, '--stable-ms'),
    rescanMs: positive(flags.rescanMs, '--rescan-ms'),
    logger,
  });
  // Graceful stop: no new files are taken, files in flight are finished; a second signal exits at once
  // (the work area is crash-safe, the next start completes it).
  let forced: () => void = () => {};
  const forcedStop = new Promise<'forced'>((resolve) => (forced = () => resolve('forced')));
  const stopped = new Promise<string>((resolve) => {
    const first = (signal: NodeJS.Signals) => {
      resolve(signal);
      process.once('SIGINT', forced);
      process.once('SIGTERM', forced);
    };
    process.once('SIGINT', first);
    process.once('SIGTERM', first);
  });
  const why = await Promise.race([stopped, halt, ...(flags.once ? [watcher.idle().then(() => 'done')] : [])]);
  if (why === 'halted') say('a file could not be moved or written (see the log); restart to complete it');
  else if (why !== 'done') say(`${why}: finishing files in progress, then stopping`);
  // A second signal returns at once (exit 130): the bin script then exits with the jobs unfinished.
  if ((await Promise.race([watcher.stop(), forcedStop])) === 'forced') return 130;
  const s = watcher.stats();
  say(`watch ${dir}: ${s.processed} processed, ${s.failed} failed`);
  logger.flush();
  return why === 'halted' ? EXIT.unreadable : EXIT.ok;
}

function positive(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new LabellerError('bad_option', `${name} expects a positive number, got "${v}"`);
  return n;
}

export { endExiftool as shutdown } from '../provenance/exiftool.js';
