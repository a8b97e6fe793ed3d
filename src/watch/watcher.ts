/**
 * The watch-folder worker. Files are found two ways, chokidar events and a periodic rescan
 * (events can be missed), kept as cheap candidates (path + size + mtime, never contents),
 * and claimed only when a job slot is free: files beyond the concurrency limit wait in the
 * inbox itself, which is the backpressure.
 */
import type { Stats } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { watch as chokidarWatch, type FSWatcher } from 'chokidar';
import { pino, type Logger } from 'pino';
import type { VerifyPolicy } from '../domain/report.js';
import type { CoreContext } from '../core/types.js';
import { errorMessage } from '../domain/errors.js';
import { claim, type ClaimOutcome } from './claim.js';
import { probeWritable } from './durable.js';
import { kindOf } from './entry.js';
import { faultCode, faultReason } from '../domain/faults.js';
import type { JobHooks } from './hooks.js';
import { processJob } from './job.js';
import type { Journal } from './journal.js';
import { acquireLock } from './lock.js';
import { FOLDERS, ensureLayout, isRealDir, isTransientName, originOf, type Origin } from './layout.js';
import { recoverWorkArea } from './recovery.js';
import { releaseDecided } from './review-release.js';
import { isStable, newCandidate, observe, type Candidate } from './stability.js';

export interface WatchOptions {
  /** Files labelled at the same time. Default: the number of cores. */
  concurrency?: number;
  /** How long a file must stay unchanged before it is taken. Default 1000 ms. */
  stabilityMs?: number;
  /** How often candidates are looked at again. Default: a quarter of the stability window. */
  pollMs?: number;
  /** Full rescan of the inboxes, for missed events. Default 2000 ms. */
  rescanMs?: number;
  /** A `.json` with no file of the same name is failed after this long. Default 5 minutes. */
  orphanSidecarMs?: number;
  /** Candidates kept in memory; the rest stay untouched in the inbox until there is room. */
  maxTracked?: number;
  /** Process what is there, then report idle (and take orphan sidecars at once). */
  once?: boolean;
  /** Use filesystem events as well as rescans. Default true (off in `once` mode). */
  events?: boolean;
  logger?: Logger;
  verifyPolicy?: VerifyPolicy;
  /** Called when a job failed for a reason that is not the file's (disk full...); the worker has halted. */
  onHalt?: (err: Error) => void;
  /**
   * How often a halted worker tries to write in `.work/` to see whether it can go on (then it
   * finishes the stopped job and resumes). Default 5000 ms; 0 stays halted (default with `once`).
   */
  resumeProbeMs?: number;
  /** For tests: stop a job at a named step, as a crash would. */
  hooks?: JobHooks;
  /** This instance holds the folder's lease on the shared record: a lock file another process left is taken over. */
  leased?: boolean;
}

/** The longest wait between two probes of a halted worker. */
const MAX_PROBE_MS = 5 * 60_000;

export interface WatchStats {
  processed: number;
  failed: number;
  inProgress: number;
  queued: number;
}

/** For /readyz and /metrics: halted since when, and why (e.g. "ENOSPC: no space left on device"). */
export interface WatchHealth {
  halted: boolean;
  /** For logs: the error, e.g. "ENOSPC: no space left on device, open '…'" (it names paths). */
  reason?: string;
  /** Safe to publish: the error code alone, e.g. ENOSPC, EDQUOT, EIO, SQLITE_FULL. */
  code?: string;
  since?: string;
}

export interface Watcher {
  readonly dir: string;
  stats(): WatchStats;
  /** True while a job failed for a reason that is not the file's (the worker takes no files until it can write again). */
  isHalted(): boolean;
  health(): WatchHealth;
  /** Resolves once nothing is waiting or running (after a confirming rescan). */
  idle(): Promise<void>;
  /** Stops taking files, finishes the ones in flight, releases the folder. */
  stop(): Promise<void>;
}

export async function startWatcher(dir: string, ctx: CoreContext, opts: WatchOptions = {}): Promise<Watcher> {
  await ensureLayout(path.resolve(dir));
  // The real path: "inside the root" is then a matter of names, with no link on the way.
  const root = await fs.realpath(path.resolve(dir));
  const release = await acquireLock(root, { takeOver: opts.leased });
  const log = opts.logger ?? pino({ enabled: false });
  try {
    const rec = await recoverWorkArea(root);
    if (rec.resume.length || rec.completed || rec.rolledBack || rec.tempsRemoved) {
      log.warn(
        { event: 'watch.recovered', resumed: rec.resume.length, completed: rec.completed, rolledBack: rec.rolledBack, tempsRemoved: rec.tempsRemoved },
        'finished the work an earlier run left half-done',
      );
    }
    const loop = new WatchLoop(root, ctx, opts, log, release);
    await loop.start(rec.resume);
    return loop;
  } catch (err) {
    await release();
    throw err;
  }
}

class WatchLoop implements Watcher {
  readonly dir: string;
  private readonly concurrency: number;
  private readonly stabilityMs: number;
  private readonly orphanMs: number;
  private readonly maxTracked: number;
  private readonly tracked = new Map<string, Candidate>();
  /** Paths being moved into the work area right now: never tracked or claimed twice. */
  private readonly claiming = new Set<string>();
  private readonly reserved = new Set<string>();
  private readonly active = new Set<Promise<void>>();
  private resumeQueue: Journal[] = [];
  private counters = { processed: 0, failed: 0 };
  private running = 0;
  private stopped = false;
  private pumping = false;
  private pumpAgain = false;
  private scanning: Promise<void> | undefined;
  private releasing: Promise<void> | undefined;
  private truncated = false;
  private timers: NodeJS.Timeout[] = [];
  private events: FSWatcher | undefined;
  private idleWaiters: (() => void)[] = [];
  private stopping: Promise<void> | undefined;
  private checkingIdle = false;
  private haltedBy: { reason: string; code?: string; since: string } | undefined;
  /** Halts since the last job that finished: the probe waits longer each time (no tight loop). */
  private haltStreak = 0;
  private readonly probeMs: number;
  private probeTimer: NodeJS.Timeout | undefined;
  private probing: Promise<void> | undefined;
  /** Inboxes found to be links (or not folders): said once, never read. */
  private readonly warned = new Set<string>();

  constructor(
    root: string,
    private readonly ctx: CoreContext,
    private readonly opts: WatchOptions,
    private readonly log: Logger,
    private readonly release: () => Promise<void>,
  ) {
    this.dir = root;
    this.concurrency = Math.max(1, opts.concurrency ?? os.availableParallelism());
    this.stabilityMs = Math.max(0, opts.stabilityMs ?? 1000);
    this.orphanMs = opts.orphanSidecarMs ?? 5 * 60_000;
    this.maxTracked = Math.max(1, opts.maxTracked ?? 5000);
    this.probeMs = Math.max(0, opts.resumeProbeMs ?? (opts.once ? 0 : 5000));
  }

  private get halted(): boolean {
    return this.haltedBy !== undefined;
  }

  async start(resume: Journal[]): Promise<void> {
    this.resumeQueue = resume;
    const pollMs = this.opts.pollMs ?? Math.max(50, Math.min(250, this.stabilityMs / 4));
    this.timers.push(setInterval(() => void this.pump(), pollMs));
    this.timers.push(setInterval(() => void this.rescan(), this.opts.rescanMs ?? 2000));
    if (this.opts.events ?? !this.opts.once) this.events = this.startEvents();
    this.log.info({ event: 'watch.started', dir: this.dir, concurrency: this.concurrency, stabilityMs: this.stabilityMs }, 'watching');
    // Review decisions taken while the worker was away are carried out first, then as they come.
    this.timers.push(setInterval(() => void this.carryOutDecisions(), this.opts.rescanMs ?? 2000));
    await this.carryOutDecisions();
    await this.rescan();
  }

  /** Approved files to outbox/, rejected ones to failed/ (review-release.ts); one pass at a time. */
  private carryOutDecisions(): Promise<void> {
    if (this.stopped || this.halted) return Promise.resolve();
    this.releasing ??= releaseDecided(this.dir, this.ctx, this.log)
      .then(() => undefined)
      .catch((err) =>
        this.log.error({ event: 'watch.release-failed', err: errorMessage(err) }, 'carrying out review decisions failed; retried on the next pass'),
      )
      .finally(() => (this.releasing = undefined));
    return this.releasing;
  }

  isHalted(): boolean {
    return this.halted;
  }

  health(): WatchHealth {
    const h = this.haltedBy;
    return h ? { halted: true, reason: h.reason, code: h.code, since: h.since } : { halted: false };
  }

  stats(): WatchStats {
    return { processed: this.counters.processed, failed: this.counters.failed, inProgress: this.running, queued: this.tracked.size + this.resumeQueue.length };
  }

  idle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      void this.checkIdle();
    });
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.stopped = true;
      for (const t of this.timers) clearInterval(t);
      clearTimeout(this.probeTimer);
      await this.events?.close();
      await this.probing;
      await this.scanning;
      await this.releasing;
      while (this.active.size) await Promise.allSettled([...this.active]);
      await this.release();
      this.log.info({ event: 'watch.stopped', ...this.stats() }, 'stopped');
      for (const w of this.idleWaiters.splice(0)) w();
    })();
    return this.stopping;
  }

  private startEvents(): FSWatcher {
    const w = chokidarWatch([path.join(this.dir, FOLDERS.inbox), path.join(this.dir, FOLDERS.verifyInbox)], {
      ignoreInitial: true,
      depth: 1,
      followSymlinks: false, // a link is an entry to refuse, never a way out of the root
      ignored: (p: string) => isTransientName(path.basename(p)),
    });
    const seen = (p: string) => {
      const origin = originOf(this.dir, p);
      if (origin && this.track(p, origin)) void this.pump();
    };
    w.on('add', seen)
      .on('change', seen)
      .on('addDir', () => void this.rescan());
    w.on('error', (err) => this.log.warn({ event: 'watch.events-error', err: errorMessage(err) }, 'filesystem events failed; rescans continue'));
    return w;
  }

  /** Adds a candidate unless it is known, being claimed, or memory is full (then it waits in the inbox). */
  private track(p: string, origin: Origin): boolean {
    if (this.stopped || this.halted || this.tracked.has(p) || this.claiming.has(p)) return false;
    if (this.tracked.size >= this.maxTracked) {
      this.truncated = true;
      return false;
    }
    this.tracked.set(p, newCandidate(origin, Date.now()));
    return true;
  }

  private rescan(): Promise<void> {
    if (this.stopped || this.halted) return Promise.resolve();
    this.scanning ??= this.scan()
      .catch((err) => this.log.error({ event: 'watch.scan-failed', err: errorMessage(err) }, 'rescan failed'))
      .finally(() => {
        this.scanning = undefined;
        void this.pump();
      });
    return this.scanning;
  }

  private async scan(): Promise<void> {
    this.truncated = false;
    const visit = async (folder: string, origin: Origin, nested: boolean): Promise<void> => {
      if (!(await isRealDir(folder))) return this.warnOnce(folder);
      const d = await fs.opendir(folder);
      for await (const e of d) {
        if (this.tracked.size >= this.maxTracked) {
          this.truncated = true;
          break; // leaving the loop closes the directory
        }
        if (isTransientName(e.name)) continue;
        const abs = path.join(folder, e.name);
        // Entry types come from the folder (lstat when the filesystem does not say): a link to a
        // folder is not a folder. Deeper real folders are ignored; every other entry is taken,
        // links, pipes and devices only to be refused without being opened.
        if (e.isDirectory()) {
          if (!nested) await visit(abs, { mode: 'label', preset: e.name }, true);
        } else this.track(abs, origin);
      }
    };
    await visit(path.join(this.dir, FOLDERS.inbox), { mode: 'label' }, false);
    await visit(path.join(this.dir, FOLDERS.verifyInbox), { mode: 'verify' }, true);
  }

  /** Looks at candidates in arrival order and starts jobs while slots are free. */
  private async pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        while (!this.stopped && !this.halted && this.running < this.concurrency && this.resumeQueue.length) {
          const j = this.resumeQueue.shift()!;
          this.launch(() => this.runJob(j, 'resumed'));
        }
        for (const [p, c] of this.tracked) {
          if (this.stopped || this.halted || this.running >= this.concurrency) break;
          await this.consider(p, c);
        }
      } while (this.pumpAgain && !this.stopped);
    } finally {
      this.pumping = false;
    }
    await this.checkIdle();
  }

  private async consider(p: string, c: Candidate): Promise<void> {
    let st: Stats;
    try {
      st = await fs.lstat(p);
    } catch {
      this.tracked.delete(p); // gone (moved away by someone)
      return;
    }
    const kind = kindOf(st);
    // A real subfolder is a preset folder the scan visits (or too deep); an entry whose folder
    // has become a link is not inside the root any more.
    if (kind === 'directory' || !(await this.foldersAreReal(p))) return void this.tracked.delete(p);
    const now = Date.now();
    const isJson = c.origin.mode === 'label' && /\.json$/i.test(p);
    // Links, pipes, devices and hard links are never read, so there is nothing to wait for.
    if ((kind === 'file' || isJson) && (!observe(c, st, now) || !isStable(c, now, this.stabilityMs))) return;
    let sidecar: string | undefined;
    if (c.origin.mode === 'label') {
      if (isJson) {
        // A sidecar: consumed with its file. Alone for too long, it is failed with a reason.
        if (await hasCompanion(p)) return void this.tracked.delete(p);
        if (!this.opts.once && now - c.since < this.orphanMs) return;
        // Its file may have been claimed (taking this sidecar along) while we looked.
        if (this.claiming.has(p)) return void this.tracked.delete(p);
      } else if (kind === 'file') {
        const found = await sidecarOf(p);
        if (found && (this.claiming.has(found.path) || !(this.opts.once || now - found.mtimeMs >= this.stabilityMs))) return;
        sidecar = found?.path;
      }
    }
    if (this.stopped || this.halted) return;
    this.tracked.delete(p);
    this.claiming.add(p);
    if (sidecar) this.claiming.add(sidecar);
    this.launch(async () => {
      let j: ClaimOutcome;
      try {
        j = await claim(this.dir, { source: p, origin: c.origin, sidecar, seen: { dev: st.dev, ino: st.ino } }, this.opts.hooks);
      } finally {
        this.claiming.delete(p);
        if (sidecar) this.claiming.delete(sidecar);
      }
      if (j === 'swapped')
        this.log.warn(
          { event: 'watch.claim-swapped', file: path.relative(this.dir, p) },
          'a folder was replaced by a link while a file was taken; the entry was put back',
        );
      else if (j !== 'gone') await this.runJob(j, 'new');
    });
  }

  /** Every folder between the root and the entry is a folder, not a link (checked again at claim). */
  private async foldersAreReal(p: string): Promise<boolean> {
    for (let d = path.dirname(p); d.startsWith(this.dir + path.sep); d = path.dirname(d)) if (!(await isRealDir(d))) return false;
    return true;
  }

  private warnOnce(folder: string): void {
    if (this.warned.has(folder)) return;
    this.warned.add(folder);
    this.log.error(
      { event: 'watch.inbox-not-folder', folder },
      `${folder} is a symbolic link or not a folder: it is not read (the watch folder never follows links); make it a real folder`,
    );
  }

  private launch(work: () => Promise<void>): void {
    this.running++;
    const job: Promise<void> = work()
      .catch((err) => this.haltOn(err))
      .finally(() => {
        this.running--;
        this.active.delete(job);
        void this.pump();
      });
    this.active.add(job);
  }

  private async runJob(j: Journal, how: 'new' | 'resumed'): Promise<void> {
    const started = performance.now();
    const r = await processJob(this.dir, j, { ctx: this.ctx, hooks: this.opts.hooks, verifyPolicy: this.opts.verifyPolicy, reserved: this.reserved });
    const ms = Math.round(performance.now() - started);
    this.haltStreak = 0;
    const where = j.mode === 'verify' ? FOLDERS.reports : FOLDERS.outbox;
    if (r.outcome === 'done' && r.held) {
      this.counters.processed++;
      this.log.info(
        { event: 'file.held', file: j.source, to: `${FOLDERS.review}/${r.finalName}.json`, job: j.id, review: r.held, how, ms },
        `${j.source} held for review`,
      );
    } else if (r.outcome === 'done') {
      this.counters.processed++;
      this.log.info(
        { event: j.mode === 'verify' ? 'file.verified' : 'file.labelled', file: j.source, to: `${where}/${r.finalName}`, job: j.id, how, ms },
        `${j.source} done`,
      );
    } else {
      this.counters.failed++;
      this.log.warn(
        { event: 'file.failed', file: j.source, to: `${FOLDERS.failed}/${r.finalName}`, code: r.error?.code, reason: r.error?.reason, job: j.id, how, ms },
        `${j.source} failed: ${r.error?.reason}`,
      );
    }
  }

  /**
   * Not the file's fault (disk full, permissions...). Going on could claim file after file only
   * to stop each one, so the worker halts like a crash would. With probing on, it tries to write
   * again every few seconds; once it can, recovery finishes the stopped job and work resumes.
   */
  private haltOn(err: unknown): void {
    const reason = faultReason(err);
    if (this.haltedBy) return void this.log.warn({ event: 'watch.job-stopped', reason }, 'another job stopped while the worker was halted');
    this.haltedBy = { reason, code: faultCode(err), since: new Date().toISOString() };
    this.haltStreak++;
    const how = this.probeMs > 0 ? 'it resumes by itself once it can write again' : 'restart it to complete the job';
    this.log.error({ event: 'watch.halted', reason, dir: this.dir }, `a job stopped before it finished (${reason}); the worker takes no more files: ${how}`);
    this.opts.onHalt?.(err instanceof Error ? err : new Error(String(err)));
    this.scheduleProbe();
  }

  private scheduleProbe(): void {
    if (this.probeMs <= 0 || this.stopped) return;
    const delay = Math.min(this.probeMs * 2 ** Math.min(this.haltStreak - 1, 10), MAX_PROBE_MS);
    this.probeTimer = setTimeout(() => void (this.probing = this.probe().finally(() => (this.probing = undefined))), delay);
  }

  private async probe(): Promise<void> {
    if (this.stopped || !this.haltedBy) return;
    if (this.running) return this.scheduleProbe(); // jobs still stopping: recovery needs them gone
    let resumed: number;
    try {
      this.opts.hooks?.at?.('watch:probe');
      await probeWritable(path.join(this.dir, FOLDERS.work));
      // Nothing runs now: recovery finishes or rolls back the stopped jobs, as at a start.
      const rec = await recoverWorkArea(this.dir);
      this.resumeQueue = rec.resume;
      resumed = rec.resume.length;
    } catch (err) {
      Object.assign(this.haltedBy, { reason: faultReason(err), code: faultCode(err) });
      this.log.debug({ event: 'watch.still-halted', reason: this.haltedBy.reason }, 'still cannot write');
      return this.scheduleProbe();
    }
    if (this.stopped) return;
    this.log.warn({ event: 'watch.resumed', since: this.haltedBy.since, resumed }, 'the worker can write again and resumes');
    this.haltedBy = undefined;
    void this.rescan();
  }

  /** Idle needs a rescan that found nothing new, so files that arrived meanwhile are not missed. */
  private async checkIdle(): Promise<void> {
    if (!this.idleWaiters.length || this.stopped) return;
    if (this.halted && !this.running) {
      for (const w of this.idleWaiters.splice(0)) w();
      return;
    }
    if (this.checkingIdle || !this.quiet()) return;
    // The guard stops the confirming rescan from triggering another confirming rescan forever.
    this.checkingIdle = true;
    try {
      await this.rescan();
      if (this.quiet() && !this.truncated) for (const w of this.idleWaiters.splice(0)) w();
    } finally {
      this.checkingIdle = false;
    }
  }

  private quiet(): boolean {
    if (this.running || this.resumeQueue.length || this.claiming.size || this.scanning) return false;
    if (this.opts.once) return this.tracked.size === 0;
    // Lone sidecars wait for their file for a while; they do not keep the worker busy.
    for (const p of this.tracked.keys()) if (!/\.json$/i.test(p)) return false;
    return true;
  }
}

/**
 * `photo.jpg.json` (preferred) or `photo.json` next to `photo.jpg`. Looked at, never followed:
 * a sidecar that is a link is taken along as it is and fails its file unread.
 */
async function sidecarOf(file: string): Promise<{ path: string; mtimeMs: number } | undefined> {
  const { dir, name } = path.parse(file);
  for (const candidate of [`${file}.json`, path.join(dir, `${name}.json`)]) {
    if (candidate === file) continue;
    try {
      const st = await fs.lstat(candidate);
      if (!st.isDirectory()) return { path: candidate, mtimeMs: st.mtimeMs };
    } catch {
      /* none under this name */
    }
  }
  return undefined;
}

/** True when the folder holds a file this `.json` is the sidecar of. */
async function hasCompanion(jsonPath: string): Promise<boolean> {
  const dir = path.dirname(jsonPath);
  const stem = path.basename(jsonPath).replace(/\.json$/i, '');
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    if (/\.json$/i.test(name) || isTransientName(name)) continue;
    if (name === stem || path.parse(name).name === stem) return true;
  }
  return false;
}
