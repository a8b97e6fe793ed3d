/**
 * Labels per second through the REST door with one and with two service instances (compiled
 * dist/server.js) sharing one PostgreSQL record, same client load (6 requests in flight, a
 * 1-megapixel JPEG), and the same labels queued (`Prefer: respond-async`: all sent at once to
 * the instances in turn, timed until the last is done; the instances share one data volume and
 * the queue). All figures come from the same run, so their ratios are what to read; on a
 * machine with few cores the instances compete for the same CPUs.
 * Run: npm run build && npx tsx bench/scale-out.bench.ts [labels]   (DATABASE_URL, or a throwaway cluster)
 */
import path from 'node:path';
import sharp from 'sharp';
import { tempDir, PEER_FIXTURES } from '../test/helpers/context.js';
import { startPostgres } from '../test/helpers/postgres.js';
import { startServiceProcess, type ServiceProcess } from '../test/helpers/service-process.js';

const LABELS = Number(process.argv[2] ?? 60);
const IN_FLIGHT = 6;
const trust = (f: string) => path.join(PEER_FIXTURES, 'trust', f);

const cluster = await startPostgres();
if (!cluster) throw new Error('no PostgreSQL: set DATABASE_URL or install postgresql');
const image = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#6a8', noise: { type: 'gaussian', mean: 120, sigma: 30 } } })
  .jpeg({ quality: 85 })
  .toBuffer();

async function run(instances: number, queued = false): Promise<number> {
  const url = await cluster!.newDatabase('labeller_scale_bench');
  const env = {
    DATABASE_URL: url,
    SIGNER_CERT: trust('es256.pub'),
    SIGNER_KEY: trust('es256.pem'),
    API_KEYS: 'bench:bench-secret-0123456789',
    RATE_LIMIT_PER_MINUTE: '0',
    // One client with 6 uploads in flight (the default allows 4 per client address).
    MAX_UPLOADS_PER_CLIENT: '16',
  };
  const services: ServiceProcess[] = [];
  // Queued work lives on the volume the instances share; synchronous labels need nothing shared but the record.
  const shared = tempDir('labeller-scale-bench-');
  for (let i = 0; i < instances; i++) services.push(await startServiceProcess({ ...env, DATA_DIR: queued ? shared : tempDir('labeller-scale-bench-') }));
  try {
    const send = async (n: number) => {
      const fd = new FormData();
      fd.append('file', new Blob([image], { type: 'image/jpeg' }), 'photo.jpg');
      const res = await fetch(`${services[n % instances].url}/api/v1/label`, {
        method: 'POST',
        body: fd,
        headers: { Authorization: 'Bearer bench-secret-0123456789' },
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
    };
    await Promise.all(services.map((_, i) => send(i))); // warm-up: each instance's first label
    if (queued) return await queuedRate(services);
    let next = 0;
    const start = performance.now();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < LABELS) await send(next++);
      }),
    );
    return LABELS / ((performance.now() - start) / 1000);
  } finally {
    for (const s of services) s.child.kill('SIGTERM');
  }
}

/** Every label queued at once over the instances, timed until the last one is done. */
async function queuedRate(services: ServiceProcess[]): Promise<number> {
  const auth = { Authorization: 'Bearer bench-secret-0123456789' };
  const start = performance.now();
  const ids: string[] = [];
  for (let n = 0; n < LABELS; n++) {
    const fd = new FormData();
    fd.append('file', new Blob([image], { type: 'image/jpeg' }), 'photo.jpg');
    const res = await fetch(`${services[n % services.length].url}/api/v1/label`, { method: 'POST', body: fd, headers: { ...auth, Prefer: 'respond-async' } });
    if (res.status !== 202) throw new Error(`HTTP ${res.status}`);
    ids.push(((await res.json()) as { id: string }).id);
  }
  for (const id of ids) {
    for (;;) {
      const job = (await (await fetch(`${services[0].url}/api/v1/jobs/${id}`, { headers: auth })).json()) as { state: string };
      if (job.state === 'done') break;
      if (job.state === 'failed') throw new Error(`job ${id} failed`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return LABELS / ((performance.now() - start) / 1000);
}

try {
  const one = await run(1);
  const two = await run(2);
  const q1 = await run(1, true);
  const q2 = await run(2, true);
  const ratio = (a: number, b: number) => `×${(b / a).toFixed(2)}`;
  console.log(`labels/s, ${LABELS} labels of a 1200×800 JPEG, PostgreSQL record and queue`);
  console.log(`  synchronous, ${IN_FLIGHT} in flight: 1 instance ${one.toFixed(2)}, 2 instances ${two.toFixed(2)} (${ratio(one, two)})`);
  console.log(`  queued (respond-async), all at once: 1 instance ${q1.toFixed(2)}, 2 instances ${q2.toFixed(2)} (${ratio(q1, q2)})`);
} finally {
  await cluster.stop();
}
