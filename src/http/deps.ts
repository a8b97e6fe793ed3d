/** What the routes share: built once by createApp. */
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import type { CoreContext } from '../core/types.js';
import type { WorkQueue } from '../queue/work-queue.js';
import type { KeyStore } from './api-keys.js';
import type { DiskProbe } from './disk-space.js';
import type { JobSlots } from './job-slots.js';
import type { Metrics } from './metrics.js';
import type { UploadGate } from './upload-gate.js';
import type { Upload } from './upload.js';

/** The embedded watch folder as /readyz and /metrics see it. */
export interface WatchHealth {
  halted: boolean;
  reason?: string;
}

export interface AppDeps {
  ctx: CoreContext;
  keys: KeyStore;
  slots: JobSlots;
  /** Long work (queued labels): PostgreSQL's queue shared by every instance, or this process's. */
  queue: WorkQueue;
  uploads: UploadGate;
  metrics: Metrics;
  logger: Logger;
  disk: DiskProbe;
  parseUpload: (req: Request, res: Response) => Promise<Upload>;
  /** False while shutting down: /readyz says so, new jobs are refused. */
  accepting: () => boolean;
  /** The watch folder's state, when one runs in this process. */
  watch: () => WatchHealth | undefined;
}
