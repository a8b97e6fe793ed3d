/**
 * The watch folder on several instances (a record on PostgreSQL, the folder on a shared volume):
 * every instance waits for the folder's lease; the one holding it runs the watcher. When that
 * instance dies, its connection ends, PostgreSQL frees the lease, and another instance takes it
 * over within `retryMs` and first finishes what the dead one left in `.work/` (the journal's
 * recovery; a redone job finds its record row by its job id, so nothing is recorded twice).
 */
import type { Logger } from 'pino';
import type { CoreContext } from '../core/types.js';
import { errorMessage } from '../domain/errors.js';
import type { Lease } from '../domain/record.js';
import { startWatcher, type Watcher, type WatchOptions } from './watcher.js';

export interface LeadOptions {
  dir: string;
  ctx: CoreContext;
  lease: () => Promise<Lease | undefined>;
  watch: WatchOptions;
  logger: Logger;
  /** How often an instance without the lease asks for it again. */
  retryMs?: number;
  /** The watcher this instance now runs (undefined: none). */
  onChange: (w: Watcher | undefined) => void;
}

export interface WatchLeader {
  /** Resolves after the first ask: this instance runs the folder, or another instance does. */
  readonly ready: Promise<void>;
  stop(): Promise<void>;
}

export function leadWatch(o: LeadOptions): WatchLeader {
  let stopped = false;
  let firstAsked: () => void = () => {};
  const ready = new Promise<void>((r) => (firstAsked = r));
  let wake: () => void = () => {};
  const stopping = new Promise<void>((r) => (wake = r));
  const pause = (ms: number) => Promise.race([stopping, new Promise<void>((r) => setTimeout(r, ms).unref())]);

  const holdOnce = async (lease: Lease) => {
    let watcher: Watcher | undefined;
    try {
      watcher = await startWatcher(o.dir, o.ctx, { ...o.watch, leased: true });
      o.onChange(watcher);
      o.logger.info({ dir: watcher.dir }, 'watch folder running (this instance holds its lease)');
      firstAsked();
      await Promise.race([lease.lost, stopping]);
      if (!stopped) o.logger.warn('the watch folder lease was lost (the connection to PostgreSQL ended): stopping the watcher here');
    } catch (err) {
      o.logger.error({ err: errorMessage(err) }, 'the watch folder could not start on this instance');
      firstAsked();
    } finally {
      await watcher?.stop().catch((err) => o.logger.error({ err: errorMessage(err) }, 'stopping the watch folder failed'));
      o.onChange(undefined);
      await lease.release();
    }
  };

  const loop = (async () => {
    while (!stopped) {
      const lease = await o.lease().catch((err) => {
        o.logger.warn({ err: errorMessage(err) }, 'cannot ask PostgreSQL for the watch folder lease');
        return undefined;
      });
      if (!lease) {
        if (!stopped) o.logger.info('another instance runs the watch folder (it holds the lease); this one takes over if it stops');
        firstAsked();
      } else if (stopped) await lease.release();
      else await holdOnce(lease);
      if (!stopped) await pause(o.retryMs ?? 3000);
    }
  })();

  return {
    ready,
    async stop() {
      stopped = true;
      wake();
      firstAsked();
      await loop;
    },
  };
}
