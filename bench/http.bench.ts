/**
 * A burst at the service: CLIENTS clients post 12 MP JPEGs back to back to POST /api/v1/label,
 * against the floor of two bare sharp pipelines (decode, burn in the same two lines, JPEG
 * encode) running side by side in one process on the same files. Rounds alternate between the
 * two so the machine's drift hits both alike; both run in their own process (the bare one is
 * timed inside its process, start-up excluded, as the service is already warm).
 *   MALLOC_ARENA_MAX=2 npx tsx bench/http.bench.ts   (BENCH_FILES=6 BENCH_CLIENTS=2 BENCH_ROUNDS=4 BENCH_SOAK_S=0)
 * Goals (issue 13): labelled images per second ≥ 0.8× the bare pipelines; p99 ≤ 2× p50; RSS flat over a soak.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { OUT, percentile, table, twelveMegapixelJpegs } from './common.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const FILES = Number(process.env.BENCH_FILES ?? 6);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
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
  return {
    peakMb: () => {
      read();
      return peak;
    },
    currentMb: () => {
      read();
      return current;
    },
    stop: () => clearInterval(t),
  };
}

function exit(child: ChildProcess): Promise<number | null> {
  return new Promise((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', r)));
}

/** The floor: two sharp pipelines at once in one process, the same mark and quality as the batch bench's bare script. */
const BARE = `
import sharp from 'sharp';
const files = process.argv.slice(2);
const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="1500" height="360"><rect width="100%" height="100%" fill="black" fill-opacity="0.85"/>' +
  '<text x="40" y="150" font-family="DejaVu Sans" font-weight="bold" font-size="120" fill="white">ЖИ көмегімен жасалған</text>' +
  '<text x="40" y="300" font-family="DejaVu Sans" font-weight="bold" font-size="120" fill="white">Создано с помощью ИИ</text></svg>');
const one = (b) => sharp(b).rotate().composite([{ input: svg, gravity: 'southwest' }]).jpeg({ quality: 92 }).toBuffer();
const fs = await import('node:fs');
const inputs = files.map((f) => fs.readFileSync(f));
await one(inputs[0]); // warm, as the service is
const queue = [...inputs];
const t0 = performance.now();
await Promise.all([0, 1].map(async () => { for (let b = queue.shift(); b; b = queue.shift()) await one(b); }));
process.stdout.write(JSON.stringify({ ms: performance.now() - t0, n: inputs.length }));
`;

function bareRound(files: string[]): { seconds: number; n: number } {
  const script = path.join(OUT, 'bare-pipelines.mjs');
  fs.writeFileSync(script, BARE);
  const r = spawnSync(process.execPath, [script, ...files], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_PATH: path.join(ROOT, 'node_modules') },
  });
  if (r.status !== 0) throw new Error(`bare pipelines failed: ${r.stderr.slice(0, 500)}`);
  const { ms, n } = JSON.parse(r.stdout) as { ms: number; n: number };
  return { seconds: ms / 1000, n };
}

async function startService(): Promise<{ url: string; child: ChildProcess; rss: ReturnType<typeof watchRss> }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/server.js')], {
    env: {
      ...process.env,
      DATA_DIR: path.join(OUT, 'http-data'),
      PORT: '0',
      HOST: '127.0.0.1',
      API_KEYS: `bench:${KEY}`,
      LOG_LEVEL: 'warn',
      WATCH_ENABLED: 'false',
    },
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
    void poll();
  });
  return { url, child, rss };
}

/** The TCP port a process listens on, from /proc/net/tcp and its socket inodes. */
function listeningPort(pid: number): number | undefined {
  try {
    const inodes = new Set(
      fs
        .readdirSync(`/proc/${pid}/fd`)
        .map((fd) => /socket:\[(\d+)\]/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1])
        .filter(Boolean),
    );
    for (const line of fs.readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[3] === '0A' && inodes.has(f[9])) return parseInt(f[1].split(':')[1], 16);
    }
  } catch {
    /* not yet */
  }
  return undefined;
}

/** A multipart body built once per file, so the client's own work per request is a socket write. */
function multipart(bytes: Buffer, name: string): { body: Buffer; type: string } {
  const boundary = `----bench${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: image/jpeg\r\n\r\n`);
  return { body: Buffer.concat([head, bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]), type: `multipart/form-data; boundary=${boundary}` };
}

const bodies = new WeakMap<Buffer, { body: Buffer; type: string }>();

/**
 * One POST on a fresh connection (agent: false): a reused keep-alive socket that the server
 * closes after its idle timeout, while the bare pipelines run between rounds, would fail with
 * EPIPE and measure the client, not the service.
 */
function postFile(url: string, bytes: Buffer, name: string): Promise<{ ms: number; status: number }> {
  let form = bodies.get(bytes);
  if (!form) bodies.set(bytes, (form = multipart(bytes, name)));
  const { body, type } = form;
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}/api/v1/label`,
      { method: 'POST', agent: false, headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': type, 'Content-Length': body.length } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (res.statusCode !== 200) console.error(`HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString('utf8').slice(0, 200)}`);
          resolve({ ms: performance.now() - t0, status: res.statusCode ?? 0 });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
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
  console.log(`${FILES} JPEGs of 4000×3000 (${mb.toFixed(1)} MB each); ${CLIENTS} HTTP clients back to back; ${ROUNDS} alternating rounds; 2 cores shared\n`);

  const svc = await startService();
  await postFile(svc.url, inputs[0].bytes, 'warm.jpg');
  let bareSeconds = 0;
  let bareImages = 0;
  let httpSeconds = 0;
  const latencies: number[] = [];
  let rejected = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const bare = bareRound(files);
    bareSeconds += bare.seconds;
    bareImages += bare.n;
    const http = await load(svc.url, inputs);
    httpSeconds += http.seconds;
    latencies.push(...http.latencies);
    rejected += http.rejected;
  }
  const rssAfterLoad = svc.rss.currentMb();

  let soak = '';
  if (SOAK_S > 0) {
    const samples: number[] = [];
    const until = Date.now() + SOAK_S * 1000;
    while (Date.now() < until) {
      await load(svc.url, inputs);
      samples.push(svc.rss.currentMb());
    }
    soak = `\nSoak ${SOAK_S} s: RSS after each wave (MB): ${samples.map((s) => s.toFixed(0)).join(', ')}`;
  }
  const httpPeak = svc.rss.peakMb();
  svc.child.kill('SIGTERM');
  await exit(svc.child);
  svc.rss.stop();

  const bareRate = bareImages / bareSeconds;
  const httpRate = latencies.length / httpSeconds;
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  console.log(
    table(
      ['run', 'images', 'images/s', 'p50 ms', 'p99 ms', 'peak RSS MB'],
      [
        ['two bare sharp pipelines, one process', bareImages, bareRate.toFixed(2), '—', '—', '—'],
        [`service, ${CLIENTS} clients back to back`, latencies.length, httpRate.toFixed(2), p50.toFixed(0), p99.toFixed(0), httpPeak.toFixed(0)],
      ],
    ),
  );
  console.log(
    `\nService ÷ bare pipelines: ${(httpRate / bareRate).toFixed(2)}× (goal ≥ 0.8×); p99/p50: ${(p99 / p50).toFixed(2)} (goal ≤ 2); 503s retried: ${rejected}; RSS after load: ${rssAfterLoad.toFixed(0)} MB${soak}`,
  );
}

await main();
