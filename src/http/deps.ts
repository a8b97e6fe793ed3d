/** What the routes share: built once by createApp. */
import type { Logger } from 'pino';
import type { CoreContext } from '../core/types.js';
import type { KeyStore } from './api-keys.js';
import type { JobSlots } from './job-slots.js';
import type { Metrics } from './metrics.js';
import type { Upload } from './upload.js';
import type { Request, Response } from 'express';

export interface AppDeps {
  ctx: CoreContext;
  keys: KeyStore;
  slots: JobSlots;
  metrics: Metrics;
  logger: Logger;
  parseUpload: (req: Request, res: Response) => Promise<Upload>;
  /** False while shutting down: /readyz says so, new jobs are refused. */
  accepting: () => boolean;
}
