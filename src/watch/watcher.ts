/**
 * The watch-folder worker. Files are found two ways, chokidar events and a periodic rescan
 * (events can be missed), kept as cheap candidates (path + size + mtime, never contents),
 * and claimed only when a job slot is free: files beyond the concurrency limit wait in the
 * inbox itself, which is the backpressure.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { watch as chokidarWatch, type FSWatcher } from 'chokidar';
import { pino, type Logger } from 'pino';
import type { VerifyPolicy } from '../core/report.js';
import type { CoreContext } from '../core/types.js';
import { errorMessage } from '../errors.js';
import { claim } from './claim.js';
import type { JobHooks } from './hooks.js';
import { processJob } from './job.js';
import type { Journal } from './journal.js';
import { acquireLock } from './lock.js';
import { FOLDERS, ensureLayout, isTransientName, originOf, type Origin } from './layout.js';
import { recoverWorkArea } from './recovery.js';
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
  /** For tests: stop a job at a named step, as a crash would. */
  hooks?: JobHooks;
}

export interface WatchStats {
  processed: number;
  failed: number;
  inProgress: number;
  queued: number;
}

export interface Watcher {
  readonly dir: string;
  stats(): WatchStats;
  /** True after a job failed for a reason that is not the file's (the worker takes no more files). */
  isHalted(): boolean;
  /** Resolves once nothing is waiting or running (after a confirming rescan). */
  idle(): Promise<void>;
  /** Stops taking files, finishes the ones in flight, releases the folder. */
  stop(): Promise<void>;
}

export async function startWatcher(dir: string, ctx: CoreContext, opts: WatchOptions = {}): Promise<Watcher> {
  const root = path.resolve(dir);
  await ensureLayout(root);
  const release = await acquireLock(root);
  const log = opts.logger ?? pino({ enabled: false });
  try {
    const rec = await recoverWorkArea(root);
    if (rec.resume.length || rec.completed || rec.rolledBack || rec.tempsRemoved) {
      log.warn({ event: 'watch.recovered', resumed: rec.resume.length, completed: rec.completed, rolledBack: rec.rolledBack, tempsRemoved: rec.tempsRemoved }, 'finished the work an earlier run left half-done');
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
  private truncated = false;
  private timers: NodeJS.Timeout[] = [];
  private events: FSWatcher | undefined;
  private idleWaiters: (() => void)[] = [];
  private stopping: Promise<void> | undefined;
  private checkingIdle = false;
  private halted = false;

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
  }

  async start(resume: Journal[]): Promise<void> {
    this.resumeQueue = resume;
    const pollMs = this.opts.pollMs ?? Math.max(50, Math.min(250, this.stabilityMs / 4));
    this.timers.push(setInterval(() => void this.pump(), pollMs));
    this.timers.push(setInterval(() => void this.rescan(), this.opts.rescanMs ?? 2000));
    if (this.opts.events ?? !this.opts.once) this.events = this.startEvents();
    this.log.info({ event: 'watch.started', dir: this.dir, concurrency: this.concurrency, stabilityMs: this.stabilityMs }, 'watching');
    await this.rescan();
  }

  /** True after a job failed for a reason that is not the file's: restart to recover. */
  isHalted(): boolean {
    return this.halted;
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
      await this.events?.close();
      await this.scanning;
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
      ignored: (p: string) => isTransientName(path.basename(p)),
    });
    const seen = (p: string) => {
      const origin = originOf(this.dir, p);
      if (origin && this.track(p, origin)) void this.pump();
    };
    w.on('add', seen).on('change', seen).on('addDir', () => void this.rescan());
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
      const d = await fs.opendir(folder);
      for await (const e of d) {
        if (this.tracked.size >= this.maxTracked) {
          this.truncated = true;
          break; // leaving the loop closes the directory
        }
        if (isTransientName(e.name)) continue;
        const abs = path.join(folder, e.name);
        if (e.isDirectory() && !nested) await visit(abs, { mode: 'label', preset: e.name }, true);
        else if (e.isFile()) this.track(abs, origin);
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
    let st;
    try {
      st = await fs.stat(p);
    } catch {
      this.tracked.delete(p); // gone (moved away by someone)
      return;
    }
    if (!st.isFile()) return void this.tracked.delete(p);
    const now = Date.now();
    if (!observe(c, st, now) || !isStable(c, now, this.stabilityMs)) return;
    let sidecar: string | undefined;
    if (c.origin.mode === 'label') {
      if (/\.json$/i.test(p)) {
        // A sidecar: consumed with its file. Alone for too long, it is failed with a reason.
        if (await hasCompanion(p)) return void this.tracked.delete(p);
        if (!this.opts.once && now - c.since < this.orphanMs) return;
        // Its file may have been claimed (taking this sidecar along) while we looked.
        if (this.claiming.has(p)) return void this.tracked.delete(p);
      } else {
        const found = await sidecarOf(p);
        if (found && (this.claiming.has(found.path) || !(this.opts.once || now - found.mtimeMs >= this.stabilityMs))) return;
        sidecar = found?.path;
      }
    }
    this.tracked.delete(p);
    this.claiming.add(p);
    if (sidecar) this.claiming.add(sidecar);
    this.launch(async () => {
      let j: Journal | undefined;
      try {
        j = await claim(this.dir, { source: p, origin: c.origin, sidecar }, this.opts.hooks);
      } finally {
        this.claiming.delete(p);
        if (sidecar) this.claiming.delete(sidecar);
      }
      if (j) await this.runJob(j, 'new');
    });
  }

  private launch(work: () => Promise<void>): void {
    this.running++;
    const job: Promise<void> = work()
      .catch((err) => {
        // Not the file's fault (disk full, permissions...). Going on could claim the same file again
        // and again, so the worker halts like a crash would; the next start completes the job.
        this.halted = true;
        this.log.fatal({ event: 'watch.halted', err: errorMessage(err) }, 'a job stopped before it finished; the worker takes no more files until it is restarted');
        this.opts.onHalt?.(err instanceof Error ? err : new Error(String(err)));
      })
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
    const where = j.mode === 'verify' ? FOLDERS.reports : FOLDERS.outbox;
    if (r.outcome === 'done') {
      this.counters.processed++;
      this.log.info({ event: j.mode === 'verify' ? 'file.verified' : 'file.labelled', file: j.source, to: `${where}/${r.finalName}`, job: j.id, how, ms }, `${j.source} done`);
    } else {
      this.counters.failed++;
      this.log.warn({ event: 'file.failed', file: j.source, to: `${FOLDERS.failed}/${r.finalName}`, code: r.error?.code, reason: r.error?.reason, job: j.id, how, ms }, `${j.source} failed: ${r.error?.reason}`);
    }
  }

  /** Idle needs a rescan that found nothing new, so files that arrived meanwhile are not missed. */
  private async checkIdle(): Promise<void> {
    if (!this.idleWaiters.length || this.stopped) return;
    if (this.halted && !this.running) return void this.idleWaiters.splice(0).forEach((w) => w());
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

/** `photo.jpg.json` (preferred) or `photo.json` next to `photo.jpg`. */
async function sidecarOf(file: string): Promise<{ path: string; mtimeMs: number } | undefined> {
  const { dir, name } = path.parse(file);
  for (const candidate of [`${file}.json`, path.join(dir, `${name}.json`)]) {
    if (candidate === file) continue;
    try {
      const st = await fs.stat(candidate);
      if (st.isFile()) return { path: candidate, mtimeMs: st.mtimeMs };
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
