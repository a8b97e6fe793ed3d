/**
 * The files of queued label work, under DATA_DIR/work/<id>/ on the volume every instance shares:
 *
 *   input          the upload, as it came
 *   request.json   who asked, when, with which fields (written after the input: the commit point)
 *   output         the labelled file, and output.json its record (kept before the record row)
 *   result.json    how it ended: done (the record id), held for review, or failed (why)
 *
 * The queue only says "run id"; these files are the truth any instance reads.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { writeDurable as writeShared } from '../review/store.js';

export const WORK_ID = /^job-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface WorkRequest {
  v: 1;
  id: string;
  createdAt: string;
  submitter: { actor: string; door: string };
  fileName: string;
  /** The form fields as sent (parsed again by the worker, with the same rules). */
  fields: Record<string, string>;
  inputBytes: number;
}

export type WorkResult =
  | { state: 'done'; finishedAt: string; recordId?: string; outputSha256: string; outputBytes: number; mimeType: string; ext: string; warnings: string[] }
  | { state: 'held'; finishedAt: string }
  | { state: 'failed'; finishedAt: string; code: string; reason: string };

export class WorkStore {
  readonly root: string;

  constructor(dataDir: string) {
    this.root = path.join(dataDir, 'work');
    fs.mkdirSync(this.root, { recursive: true, mode: 0o700 });
  }

  static newId(): string {
    return `job-${randomUUID()}`;
  }

  dirOf(id: string): string {
    if (!WORK_ID.test(id)) throw new Error(`not a work id: ${id.slice(0, 80)}`);
    return path.join(this.root, id);
  }

  /** The input first, the request last: a crash in between leaves no request (swept later). */
  async create(req: WorkRequest, input: Buffer): Promise<void> {
    const dir = this.dirOf(req.id);
    await fsp.mkdir(dir, { mode: 0o700 });
    await writeDurable(path.join(dir, 'input'), input);
    await writeDurable(path.join(dir, 'request.json'), JSON.stringify(req));
  }

  async request(id: string): Promise<WorkRequest | undefined> {
    if (!WORK_ID.test(id)) return undefined;
    return readJson<WorkRequest>(path.join(this.dirOf(id), 'request.json'));
  }

  async input(id: string): Promise<Buffer> {
    return fsp.readFile(path.join(this.dirOf(id), 'input'));
  }

  async result(id: string): Promise<WorkResult | undefined> {
    return readJson<WorkResult>(path.join(this.dirOf(id), 'result.json'));
  }

  /** The end of the work; the input is no longer needed once it is written. */
  async finish(id: string, result: WorkResult): Promise<void> {
    await writeDurable(path.join(this.dirOf(id), 'result.json'), JSON.stringify(result));
    await fsp.rm(path.join(this.dirOf(id), 'input'), { force: true });
  }

  kept(id: string): { output: string; record: string } {
    return { output: path.join(this.dirOf(id), 'output'), record: path.join(this.dirOf(id), 'output.json') };
  }

  /** Every work id with its folder's age. */
  async list(): Promise<{ id: string; mtimeMs: number }[]> {
    const names = await fsp.readdir(this.root).catch(() => [] as string[]);
    const out: { id: string; mtimeMs: number }[] = [];
    for (const id of names.filter((n) => WORK_ID.test(n))) {
      const st = await fsp.lstat(path.join(this.root, id)).catch(() => undefined);
      if (st?.isDirectory()) out.push({ id, mtimeMs: st.mtimeMs });
    }
    return out;
  }

  async remove(id: string): Promise<void> {
    await fsp.rm(this.dirOf(id), { recursive: true, force: true });
  }
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await fsp.readFile(file, 'utf8')) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || err instanceof SyntaxError) return undefined;
    throw err;
  }
}

function writeDurable(file: string, bytes: Buffer | string): Promise<void> {
  return writeShared(file, bytes, 'the work store under DATA_DIR/work');
}
