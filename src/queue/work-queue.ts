/**
 * Long work that must not vanish with the process that took it: queued by id, run by a
 * handler in whichever process works that kind, retried when the handler throws (or, on
 * PostgreSQL, when the process running it died). Handlers are idempotent by id; the queue
 * only promises "at least once", the handlers make it "once in effect".
 */

/** What goes through the queue: a REST label sent with `Prefer: respond-async`, webhook deliveries, retention. */
export type WorkKind = 'label' | 'webhook' | 'retention';

export type WorkState = 'queued' | 'running' | 'done' | 'failed';

export interface WorkStatus {
  state: WorkState;
  /** Attempts started so far (a retry after a crash counts). */
  attempts: number;
}

/** Runs one piece of work; a throw means "try again later" (the machine's fault, not the file's). */
export type WorkHandler = (id: string) => Promise<void>;

export interface WorkQueue {
  /** 'postgres': shared by every instance on the same database; 'local': this process only. */
  readonly where: 'postgres' | 'local';
  /** Queues `id` once: sending an id the queue already knows (queued, running or ended) does nothing. */
  send(kind: WorkKind, id: string): Promise<void>;
  /**
   * Runs this kind's work in this process, at most `concurrency` at once; a throw is retried
   * `retry.limit` times, the first after `retry.delayS`, each next one twice as late. Called
   * before the kind's first send (on PostgreSQL a job keeps the retry rule it was queued with).
   */
  work(kind: WorkKind, concurrency: number, handler: WorkHandler, retry?: Retry): Promise<void>;
  /** Runs `handler` every `everyMinutes`, on one instance at a time. */
  every(kind: WorkKind, everyMinutes: number, handler: () => Promise<void>): Promise<void>;
  /** What the queue knows of `id` (undefined: never queued, or forgotten). */
  status(kind: WorkKind, id: string): Promise<WorkStatus | undefined>;
  /** Stops taking work and waits (bounded) for the work running here. */
  stop(): Promise<void>;
}

export interface Retry {
  limit: number;
  delayS: number;
}

/** The default: three more attempts, 2, 4 and 8 s after a failure. */
export const RETRY: Retry = { limit: 3, delayS: 2 };
