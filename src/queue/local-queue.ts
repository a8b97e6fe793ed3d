/**
 * The queue of one process (no DATABASE_URL): a list in memory. What it holds is lost with the
 * process; the label work's files on disk are the truth, and the server queues again at start
 * every job whose files say it is not finished.
 */
import { RETRY, type Retry, type WorkHandler, type WorkKind, type WorkQueue, type WorkStatus } from './work-queue.js';

interface Lane {
  waiting: string[];
  running: number;
  concurrency: number;
  handler?: WorkHandler;
  retry: Retry;
}

export function createLocalQueue(opts: { retryDelayMs?: number; log?: (msg: string, extra: Record<string, unknown>) => void } = {}): WorkQueue {
  const lanes = new Map<WorkKind, Lane>();
  const known = new Map<string, WorkStatus>();
  const timers = new Set<NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();
  let stopped = false;

  const laneOf = (kind: WorkKind): Lane => {
    let lane = lanes.get(kind);
    if (!lane) lanes.set(kind, (lane = { waiting: [], running: 0, concurrency: 0, retry: RETRY }));
    return lane;
  };
  const keyOf = (kind: WorkKind, id: string) => `${kind}:${id}`;

  const pump = (kind: WorkKind) => {
    const lane = laneOf(kind);
    while (!stopped && lane.handler && lane.running < lane.concurrency && lane.waiting.length) {
      const id = lane.waiting.shift()!;
      const status = known.get(keyOf(kind, id))!;
      status.state = 'running';
      status.attempts++;
      lane.running++;
      const run = lane
        .handler(id)
        .then(
          () => {
            status.state = 'done';
          },
          (err: unknown) => {
            if (status.attempts >= lane.retry.limit + 1) {
              status.state = 'failed';
              opts.log?.('queued work failed for good', { kind, id, err: (err as Error)?.message });
              return;
            }
            status.state = 'queued';
            const t = setTimeout(
              () => {
                timers.delete(t);
                lane.waiting.push(id);
                pump(kind);
              },
              (opts.retryDelayMs ?? lane.retry.delayS * 1000) * 2 ** (status.attempts - 1),
            );
            timers.add(t);
          },
        )
        .finally(() => {
          lane.running--;
          inFlight.delete(run);
          pump(kind);
        });
      inFlight.add(run);
    }
  };

  return {
    where: 'local',
    async send(kind, id) {
      const key = keyOf(kind, id);
      if (known.has(key)) return;
      known.set(key, { state: 'queued', attempts: 0 });
      laneOf(kind).waiting.push(id);
      pump(kind);
    },
    async work(kind, concurrency, handler, retry = RETRY) {
      const lane = laneOf(kind);
      lane.handler = handler;
      lane.retry = retry;
      lane.concurrency = concurrency;
      pump(kind);
    },
    async every(_kind, everyMinutes, handler) {
      const t = setInterval(() => {
        handler().catch((err: unknown) => opts.log?.('scheduled work failed', { err: (err as Error)?.message }));
      }, everyMinutes * 60_000);
      t.unref();
      timers.add(t);
    },
    async status(kind, id) {
      const s = known.get(keyOf(kind, id));
      return s && { ...s };
    },
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.allSettled([...inFlight]);
    },
  };
}
