/**
 * The one door to OCR: Debian's Tesseract (`tesseract-ocr` with the kaz, rus, eng and chi_sim
 * traineddata), run as a child process, so the recognition never runs on the event loop and
 * nothing is downloaded at run time. At most two processes at once, each on one thread; a run
 * waits a bounded time for its turn and has a deadline after which the process is killed.
 *
 * Pages are written to a private temporary folder and given to one process as a list: the
 * language models load once per picture, and Tesseract lays out each page on its own. Its TSV
 * output comes page by page; the caller may stop the run as soon as a page holds what it
 * looks for.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Tesseract's names for Kazakh, Russian, English and Simplified Chinese (GB 45438 wording). */
export const OCR_LANGUAGES = ['kaz', 'rus', 'eng', 'chi_sim'] as const;
const PACKAGES: Record<string, string> = { kaz: 'tesseract-ocr-kaz', rus: 'tesseract-ocr-rus', eng: 'tesseract-ocr-eng', chi_sim: 'tesseract-ocr-chi-sim' };

const COMMAND = 'tesseract';
/** Two cores here: one OCR process per core at most, each single-threaded (OpenMP would oversubscribe them). */
const MAX_PROCESSES = Math.max(1, Math.min(2, os.availableParallelism()));
/** A picture of dense text makes a large TSV; beyond this the run stops. */
const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

export interface OcrStatus {
  available: boolean;
  /** The installed languages among the four needed. */
  languages: string[];
  /** Why OCR cannot run: the missing program or languages, and the Debian packages that bring them. */
  reason?: string;
}

export interface OcrWord {
  text: string;
  /** Tesseract's confidence, 0–100. */
  conf: number;
  left: number;
  top: number;
  width: number;
  height: number;
  /** The word's line on its page: words with the same key were read as one line. */
  line: string;
}

/**
 * Tesseract's page segmentation: 3 (the default) lays out each page itself and leaves photo
 * areas alone (faster, and fewer false words than sparse text); 6 reads the page as one block
 * of text, for a page cut to a few lines already.
 */
export type PageMode = 3 | 6;

export interface OcrRun {
  /** Words per page, in the order the pages were given (pages not reached are empty). */
  pages: OcrWord[][];
  ms: number;
  /** The caller stopped the run early: a page held what it looked for. */
  stopped: boolean;
  /** The run ended before every page was read: its deadline passed, or the pages held too much text. */
  incomplete?: 'deadline' | 'too much text';
}

let status: { at: number; value: Promise<OcrStatus> } | undefined;

/** Whether Tesseract and the four languages are installed; asked once a minute at most (probes may come every second). */
export function ocrStatus(): Promise<OcrStatus> {
  if (!status || Date.now() - status.at > 60_000) status = { at: Date.now(), value: probe() };
  return status.value;
}

/** Tests change the environment (TESSDATA_PREFIX, PATH) and ask again. */
export function forgetOcrStatus(): void {
  status = undefined;
}

function probe(): Promise<OcrStatus> {
  return new Promise((resolve) => {
    execFile(COMMAND, ['--list-langs'], { timeout: 10_000, maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        resolve({ available: false, languages: [], reason: 'Tesseract is not installed (Debian package tesseract-ocr)' });
        return;
      }
      // Tesseract 5 lists on stdout, some builds on stderr.
      const listed = new Set(`${stdout}\n${stderr}`.split('\n').map((l) => l.trim()));
      const languages = OCR_LANGUAGES.filter((l) => listed.has(l));
      const missing = OCR_LANGUAGES.filter((l) => !listed.has(l));
      if (err && !languages.length) {
        resolve({ available: false, languages, reason: `Tesseract does not answer (${String(err.message).split('\n')[0].slice(0, 120)})` });
        return;
      }
      if (missing.length) {
        resolve({
          available: false,
          languages,
          reason: `the OCR languages ${missing.join(', ')} are not installed (Debian packages ${missing.map((l) => PACKAGES[l]).join(', ')})`,
        });
        return;
      }
      resolve({ available: true, languages });
    });
  });
}

// ---------------------------------------------------------------- turns

let running = 0;
const waiting: (() => void)[] = [];

/** A turn to run a process, or false when the deadline passes first. */
function turn(deadline: number): Promise<boolean> {
  if (running < MAX_PROCESSES) {
    running++;
    return Promise.resolve(true);
  }
  return new Promise((resolve) => {
    const go = () => {
      clearTimeout(timer);
      running++;
      resolve(true);
    };
    const timer = setTimeout(
      () => {
        const i = waiting.indexOf(go);
        if (i >= 0) waiting.splice(i, 1);
        resolve(false);
      },
      Math.max(0, deadline - Date.now()),
    );
    waiting.push(go);
  });
}

function release(): void {
  running--;
  const next = waiting.shift();
  if (next) next();
}

// ---------------------------------------------------------------- a run

/**
 * Reads the words on each page (PGM or PNG bytes). `stopAfter(i, words)` is asked when page i
 * is complete; true ends the run there. A run waits at most `maxWaitMs` for its turn, then
 * has `deadlineMs`; past either it ends with what it has.
 */
export async function readPages(
  pages: Buffer[],
  o: { deadlineMs: number; maxWaitMs: number; languages: readonly string[]; psm?: PageMode; stopAfter?: (page: number, words: OcrWord[]) => boolean },
): Promise<OcrRun> {
  const started = Date.now();
  const result: OcrRun = { pages: pages.map(() => []), ms: 0, stopped: false };
  if (!pages.length) return result;
  if (!(await turn(started + o.maxWaitMs))) return { ...result, ms: Date.now() - started, incomplete: 'deadline' };
  // The deadline counts from the process's start: a burst of pictures waits its turn, each then gets its full time.
  const deadline = Date.now() + o.deadlineMs;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'labeller-ocr-'));
  try {
    const files = pages.map((_, i) => path.join(dir, `${i}.${pages[i][0] === 0x50 ? 'pgm' : 'png'}`));
    await Promise.all(pages.map((p, i) => fs.writeFile(files[i], p, { mode: 0o600 })));
    const list = path.join(dir, 'pages.txt');
    await fs.writeFile(list, `${files.join('\n')}\n`, { mode: 0o600 });
    await run(list, o, deadline, result);
  } finally {
    release();
    await fs.rm(dir, { recursive: true, force: true });
  }
  result.ms = Date.now() - started;
  return result;
}

function run(
  list: string,
  o: { languages: readonly string[]; psm?: PageMode; stopAfter?: (page: number, words: OcrWord[]) => boolean },
  deadline: number,
  result: OcrRun,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(COMMAND, [list, 'stdout', '-l', o.languages.join('+'), '--psm', String(o.psm ?? 3), 'tsv'], {
      env: { ...process.env, OMP_THREAD_LIMIT: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let buffered = '';
    let bytes = 0;
    let stderr = '';
    let page = 0; // 1-based page the rows belong to
    let done = false;
    const finishPage = () => {
      if (page < 1 || done) return;
      if (o.stopAfter?.(page - 1, result.pages[page - 1] ?? [])) {
        result.stopped = true;
        stop();
      }
    };
    const stop = () => {
      done = true;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(
      () => {
        result.incomplete = 'deadline';
        stop();
      },
      Math.max(0, deadline - Date.now()),
    );
    const row = (line: string) => {
      const c = line.split('\t');
      if (c.length < 12 || c[0] === 'level') return;
      const p = Number(c[1]);
      if (p !== page) {
        finishPage();
        page = p;
      }
      if (done || c[0] !== '5') return;
      const text = c.slice(11).join('\t').trim();
      if (!text || !result.pages[p - 1]) return;
      result.pages[p - 1].push({
        text,
        conf: Number(c[10]),
        left: Number(c[6]),
        top: Number(c[7]),
        width: Number(c[8]),
        height: Number(c[9]),
        line: `${c[2]}.${c[3]}.${c[4]}`,
      });
    };
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      if (done) return;
      bytes += chunk.length;
      if (bytes > MAX_OUTPUT_BYTES) {
        result.incomplete = 'too much text';
        return stop();
      }
      buffered += chunk;
      let nl = buffered.indexOf('\n');
      while (nl >= 0 && !done) {
        row(buffered.slice(0, nl));
        buffered = buffered.slice(nl + 1);
        nl = buffered.indexOf('\n');
      }
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      if (stderr.length < 2000) stderr += chunk;
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (!done) {
        if (buffered) row(buffered);
        finishPage();
      }
      if (!done && code !== 0 && !signal) reject(new Error(`tesseract exited with ${code}: ${stderr.trim().split('\n').pop() ?? ''}`));
      else resolve();
    });
  });
}
