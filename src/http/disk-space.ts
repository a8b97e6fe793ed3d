/**
 * Free space in DATA_DIR for /readyz and /metrics: fs.statfs, cached for a few seconds so
 * frequent probes cost nothing. A job that hit "no space" forgets the cached figure, so
 * readiness turns false at once and comes back as soon as space is freed.
 */
import fs from 'node:fs';

export interface DiskState {
  ok: boolean;
  freeBytes?: number;
  minFreeBytes: number;
  reason?: string;
}

export interface DiskProbe {
  check(): Promise<DiskState>;
  /** Forget the cached figure (after a storage error). */
  invalidate(): void;
  /** The last figure, without waiting (for metrics). */
  readonly last: DiskState | undefined;
}

export type FreeSpaceFn = (dir: string) => Promise<number>;

export const statfsFree: FreeSpaceFn = async (dir) => {
  const s = await fs.promises.statfs(dir);
  return Number(s.bavail) * Number(s.bsize);
};

export function createDiskProbe(dir: string, minFreeBytes: number, freeSpace: FreeSpaceFn = statfsFree, cacheMs = 5_000): DiskProbe {
  let cached: { at: number; state: DiskState } | undefined;
  let pending: Promise<DiskState> | undefined;
  const measure = async (): Promise<DiskState> => {
    try {
      const freeBytes = await freeSpace(dir);
      if (freeBytes < minFreeBytes) {
        return { ok: false, freeBytes, minFreeBytes, reason: `only ${freeBytes} bytes free in the data directory (MIN_FREE_BYTES ${minFreeBytes})` };
      }
      return { ok: true, freeBytes, minFreeBytes };
    } catch (err) {
      return { ok: false, minFreeBytes, reason: `the data directory cannot be examined (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
    }
  };
  return {
    get last() {
      return cached?.state;
    },
    check() {
      if (cached && Date.now() - cached.at < cacheMs) return Promise.resolve(cached.state);
      pending ??= measure().then((state) => {
        cached = { at: Date.now(), state };
        pending = undefined;
        return state;
      });
      return pending;
    },
    invalidate() {
      cached = undefined;
    },
  };
}
