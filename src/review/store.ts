/**
 * Review jobs and their files under DATA_DIR/review, crash-safe:
 *
 *   jobs/<id>.json          the job (the truth; replaced by temp + fsync + rename + folder fsync)
 *   files/<id>/input        the original, while the job is pending
 *   files/<id>/draft        the labelled draft (never served: previews are made from it)
 *   files/<id>/before.*     previews for the Review page (small JPEG, or text without the manifest)
 *   files/<id>/after.*
 *   files/<id>/final-<n>    the approved output and its record (<n>: the approval's nonce)
 *
 * Files are written before the job names them, so a crash leaves at worst files no job names
 * (swept at open), never a job without its files.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { LabellerError } from '../domain/errors.js';
import type { LabelRecord } from '../domain/record.js';
import { JOB_ID, type Job } from '../domain/review.js';

export type JobFile = 'input' | 'draft' | 'before' | 'after';

export class JobStore {
  readonly root: string;
  private readonly jobsDir: string;
  private readonly filesDir: string;
  private readonly watchDir: string;

  constructor(dataDir: string) {
    this.root = path.join(dataDir, 'review');
    this.jobsDir = path.join(this.root, 'jobs');
    this.filesDir = path.join(this.root, 'files');
    this.watchDir = path.join(this.root, 'watch-pending');
    for (const d of [this.root, this.jobsDir, this.filesDir]) fs.mkdirSync(d, { recursive: true, mode: 0o700 });
  }

  static newId(): string {
    return `job-${Date.now().toString(36)}-${randomBytes(8).toString('hex')}`;
  }

  async get(id: string): Promise<Job | undefined> {
    if (!JOB_ID.test(id)) return undefined;
    try {
      const job = JSON.parse(await fsp.readFile(this.jobFile(id), 'utf8')) as Job;
      return job && job.v === 1 && job.id === id ? job : undefined;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || err instanceof SyntaxError) return undefined;
      throw storage(err);
    }
  }

  /** Every job, newest first. */
  async list(): Promise<Job[]> {
    const names = await fsp.readdir(this.jobsDir).catch(() => [] as string[]);
    const jobs = await Promise.all(names.filter((n) => n.endsWith('.json')).map((n) => this.get(n.slice(0, -5))));
    return jobs.filter((j): j is Job => !!j).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** Stores the job's files first, then the job: the job is the commit point. */
  async create(job: Job, files: Partial<Record<JobFile, Buffer | string>>): Promise<void> {
    const dir = this.dirOf(job.id);
    await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
    for (const [name, bytes] of Object.entries(files)) if (bytes !== undefined) await writeDurable(path.join(dir, name), bytes);
    if (job.watch) await this.markWatch(job.id, true);
    await this.save(job);
  }

  /**
   * Watch-folder jobs whose decision is not yet carried out, as empty marker files: the watch
   * worker looks at these every few seconds instead of reading every job.
   */
  async markWatch(id: string, on: boolean): Promise<void> {
    const marker = path.join(this.watchDir, this.checked(id));
    if (on) {
      await fsp.mkdir(this.watchDir, { recursive: true, mode: 0o700 });
      await fsp.writeFile(marker, '');
      await syncDir(this.watchDir);
    } else await fsp.rm(marker, { force: true });
  }

  async watchJobs(): Promise<Job[]> {
    const ids = await fsp.readdir(this.watchDir).catch(() => [] as string[]);
    const jobs = await Promise.all(ids.map((id) => this.get(id)));
    return jobs.filter((j): j is Job => !!j);
  }

  /** Forgets a job entirely (its files and its JSON); the record keeps its history. */
  async forget(id: string): Promise<void> {
    await this.removeFiles(id);
    await this.markWatch(id, false);
    await fsp.rm(this.jobFile(id), { force: true });
  }

  async save(job: Job): Promise<void> {
    await writeDurable(this.jobFile(job.id), JSON.stringify(job, null, 2) + '\n');
  }

  async read(id: string, file: JobFile): Promise<Buffer | undefined> {
    return readIfThere(path.join(this.dirOf(id), file));
  }

  async writeFinal(id: string, nonce: string, bytes: Buffer, record: LabelRecord): Promise<void> {
    await fsp.mkdir(this.dirOf(id), { recursive: true, mode: 0o700 });
    await writeDurable(path.join(this.dirOf(id), `final-${nonce}`), bytes);
    await writeDurable(path.join(this.dirOf(id), `final-${nonce}.json`), JSON.stringify(record));
  }

  async readFinal(id: string, nonce: string): Promise<{ bytes: Buffer; record: LabelRecord } | undefined> {
    const bytes = await readIfThere(path.join(this.dirOf(id), `final-${nonce}`));
    const record = await readIfThere(path.join(this.dirOf(id), `final-${nonce}.json`));
    return bytes && record ? { bytes, record: JSON.parse(record.toString('utf8')) as LabelRecord } : undefined;
  }

  /** Removes one approval's output only: an approval that lost the claim must not delete the winner's. */
  async removeFinal(id: string, nonce: string): Promise<void> {
    for (const n of [`final-${nonce}`, `final-${nonce}.json`]) await fsp.rm(path.join(this.dirOf(id), n), { force: true });
  }

  /** Removes the job's files, except the approved output named by `keepNonce`. */
  async removeFiles(id: string, keepNonce?: string): Promise<void> {
    const dir = this.dirOf(id);
    const names = await fsp.readdir(dir).catch(() => [] as string[]);
    for (const n of names) if (!keepNonce || !n.startsWith(`final-${keepNonce}`)) await fsp.rm(path.join(dir, n), { force: true, recursive: true });
    if (!keepNonce) await fsp.rm(dir, { force: true, recursive: true });
  }

  /** Files no job names (a crash before the job was written) and temporaries. */
  async sweep(): Promise<number> {
    let removed = 0;
    for (const n of await fsp.readdir(this.jobsDir).catch(() => [] as string[])) {
      if (n.endsWith('.tmp')) await fsp.rm(path.join(this.jobsDir, n), { force: true }).then(() => removed++);
    }
    for (const id of await fsp.readdir(this.filesDir).catch(() => [] as string[])) {
      const dir = path.join(this.filesDir, id);
      if (!JOB_ID.test(id) || !fs.existsSync(path.join(this.jobsDir, `${id}.json`))) {
        await fsp.rm(dir, { force: true, recursive: true }).then(() => removed++);
        continue;
      }
      for (const n of await fsp.readdir(dir).catch(() => [] as string[]))
        if (n.endsWith('.tmp')) await fsp.rm(path.join(dir, n), { force: true }).then(() => removed++);
    }
    return removed;
  }

  private jobFile(id: string): string {
    return path.join(this.jobsDir, `${this.checked(id)}.json`);
  }

  private checked(id: string): string {
    if (!JOB_ID.test(id)) throw new LabellerError('not_found', 'No job has this id.');
    return id;
  }

  private dirOf(id: string): string {
    if (!JOB_ID.test(id)) throw new LabellerError('not_found', 'No job has this id.');
    return path.join(this.filesDir, id);
  }
}

/** One store per data folder and process. */
const stores = new Map<string, JobStore>();
export function jobStoreFor(dataDir: string): JobStore {
  let s = stores.get(dataDir);
  if (!s) stores.set(dataDir, (s = new JobStore(dataDir)));
  return s;
}

/** Temp name in the same folder, data fsynced, renamed into place, folder fsynced: no half file after a power cut. */
export async function writeDurable(file: string, bytes: Buffer | string, store = 'the review store'): Promise<void> {
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const fh = await fsp.open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, file);
    await syncDir(path.dirname(file));
  } catch (err) {
    await fsp.rm(tmp, { force: true }).catch(() => {});
    throw storage(err, store);
  }
}

async function syncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r').catch(() => undefined);
  if (!fh) return;
  try {
    await fh.sync().catch(() => {});
  } finally {
    await fh.close();
  }
}

async function readIfThere(file: string): Promise<Buffer | undefined> {
  try {
    return await fsp.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw storage(err);
  }
}

function storage(err: unknown, store = 'the review store'): LabellerError {
  return err instanceof LabellerError ? err : new LabellerError('io_error', `${store} cannot be used: ${(err as Error).message}`, { cause: err });
}
