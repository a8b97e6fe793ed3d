/**
 * The service under load vs the CLI batch, on the same 12 MP JPEGs in the same run.
 *   npx tsx bench/http.bench.ts            (BENCH_FILES=12 BENCH_CLIENTS=8 BENCH_ROUNDS=2 BENCH_SOAK_S=0)
 * Both run the compiled program in their own process, so peak RSS is theirs alone
 * (VmHWM sampled from /proc). Goals (issue 5): service ≥ 0.9× CLI throughput,
 * p99 ≤ 3× p50, RSS flat over a soak.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { OUT, percentile, table, twelveMegapixelJpegs } from './common.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const FILES = Number(process.env.BENCH_FILES ?? 12);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const SOAK_S = Number(process.env.BENCH_SOAK_S ?? 0);
const KEY = 'bench-secret-0123456789abcdef';

/** Samples a process's peak resident set (VmHWM) until it exits or `stop()` is called. */
function watchRss(pid: number): { peakMb: () => number; currentMb: () => number; stop: () => void } {
  let peak = 0;
  let current = 0;
  const read = () => {
    try {
      const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      peak = Math.max(peak, Number(/VmHWM:\s+(\d+)/.exec(s)?.[1] ?? 0) / 1024);
      current = Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0) / 1024;
    } catch {
      /* exited */
    }
  };
  const t = setInterval(read, 50);
  return { peakMb: () => (read(), peak), currentMb: () => (read(), current), stop: () => clearInterval(t) };
}

function exit(child: ChildProcess): Promise<number | null> {
  return new Promise((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', r)));
}

async function cliBatch(files: string[]): Promise<{ seconds: number; rssMb: number }> {
  const out = path.join(OUT, 'cli-out');
  fs.rmSync(out, { recursive: true, force: true });
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/labeller.js'), 'label', ...files, '-o', `${out}/`], { env: { ...process.env, DATA_DIR: path.join(OUT, 'cli-data') }, stdio: ['ignore', 'ignore', 'pipe'] });
  const rss = watchRss(child.pid!);
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const code = await exit(child);
  const seconds = (performance.now() - started) / 1000;
  rss.stop();
  if (code !== 0) throw new Error(`CLI failed (${code}): ${err.slice(-500)}`);
  return { seconds, rssMb: rss.peakMb() };
}

async function startService(): Promise<{ url: string; child: ChildProcess; rss: ReturnType<typeof watchRss> }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/server.js')], {
    env: { ...process.env, DATA_DIR: path.join(OUT, 'http-data'), PORT: '0', HOST: '127.0.0.1', API_KEYS: `bench:${KEY}`, LOG_LEVEL: 'warn', WATCH_ENABLED: 'false' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const rss = watchRss(child.pid!);
  // LOG_LEVEL=warn hides the "listening" line: find the port from /proc instead of logs.
  const url = await new Promise<string>((resolve, reject) => {
    const deadline = Date.now() + 30_000;
    const poll = async () => {
      const port = listeningPort(child.pid!);
      if (port) return resolve(`http://127.0.0.1:${port}`);
      if (Date.now() > deadline || child.exitCode !== null) return reject(new Error('the server did not start'));
      setTimeout(poll, 100);
    };
    poll();
  });
  return { url, child, rss };
}

/** The TCP port a process listens on, from /proc/net/tcp and its socket inodes. */
function listeningPort(pid: number): number | undefined {
  try {
    const inodes = new Set(fs.readdirSync(`/proc/${pid}/fd`).map((fd) => /socket:\[(\d+)\]/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1]).filter(Boolean));
    for (const line of fs.readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[3] === '0A' && inodes.has(f[9])) return parseInt(f[1].split(':')[1], 16);
    }
  } catch {
    /* not yet */
  }
  return undefined;
}

async function postFile(url: string, bytes: Buffer, name: string): Promise<{ ms: number; status: number }> {
  const t0 = performance.now();
  const fd = new FormData();
  fd.append('file', new Blob([new Uint8Array(bytes)]), name);
  const res = await fetch(`${url}/api/v1/label`, { method: 'POST', body: fd, headers: { Authorization: `Bearer ${KEY}` } });
  await res.arrayBuffer();
  return { ms: performance.now() - t0, status: res.status };
}

/** CLIENTS workers pull requests from one queue, as a pipeline would. */
async function load(url: string, inputs: { name: string; bytes: Buffer }[]): Promise<{ seconds: number; latencies: number[]; rejected: number }> {
  const queue = [...inputs];
  const latencies: number[] = [];
  let rejected = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        const r = await postFile(url, job.bytes, job.name);
        if (r.status === 200) latencies.push(r.ms);
        else if (r.status === 503) {
          rejected++;
          queue.push(job); // a pipeline retries after Retry-After
          await new Promise((w) => setTimeout(w, 500));
        } else throw new Error(`HTTP ${r.status}`);
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, latencies, rejected };
}

async function main(): Promise<void> {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  const files = await twelveMegapixelJpegs(FILES);
  const inputs = files.map((f) => ({ name: path.basename(f), bytes: fs.readFileSync(f) }));
  const mb = inputs.reduce((s, i) => s + i.bytes.length, 0) / FILES / 1e6;
  console.log(`${FILES} JPEGs of 4000×3000 (${mb.toFixed(1)} MB each); ${CLIENTS} HTTP clients; ${ROUNDS} round(s) over the files; 2 cores shared\n`);

  // Warm both (dev identity creation, page cache) so neither pays first-run costs in the timing.
  await cliBatch(files.slice(0, 1));
  const cli = await cliBatch(files);

  const svc = await startService();
  await postFile(svc.url, inputs[0].bytes, 'warm.jpg');
  const runs = Array.from({ length: ROUNDS }, () => inputs).flat();
  const http = await load(svc.url, runs);
  const rssAfterLoad = svc.rss.currentMb();

  let soak = '';
  if (SOAK_S > 0) {
    const samples: number[] = [];
    const until = Date.now() + SOAK_S * 1000;
    while (Date.now() < until) {
      await load(svc.url, inputs.slice(0, CLIENTS));
      samples.push(svc.rss.currentMb());
    }
    soak = `\nSoak ${SOAK_S} s: RSS after each wave (MB): ${samples.map((s) => s.toFixed(0)).join(', ')}`;
  }
  const httpPeak = svc.rss.peakMb();
  svc.child.kill('SIGTERM');
  await exit(svc.child);
  svc.rss.stop();

  const cliRate = FILES / cli.seconds;
  const httpRate = http.latencies.length / http.seconds;
  const p50 = percentile(http.latencies, 50);
  const p99 = percentile(http.latencies, 99);
  console.log(
    table(
      ['run', 'files', 'wall s', 'files/s', 'p50 ms', 'p99 ms', 'peak RSS MB'],
      [
        ['CLI batch (`labeller label … -o dir/`)', FILES, cli.seconds.toFixed(1), cliRate.toFixed(2), '—', '—', cli.rssMb.toFixed(0)],
        [`HTTP, ${CLIENTS} clients`, http.latencies.length, http.seconds.toFixed(1), httpRate.toFixed(2), p50.toFixed(0), p99.toFixed(0), httpPeak.toFixed(0)],
      ],
    ),
  );
  console.log(`\nService/CLI throughput: ${(httpRate / cliRate).toFixed(2)}× (goal ≥ 0.9×); p99/p50: ${(p99 / p50).toFixed(2)} (goal ≤ 3); 503s retried: ${http.rejected}; RSS after load: ${rssAfterLoad.toFixed(0)} MB${soak}`);
}

await main();
