/** The watch-folder door: see README.md in this folder. */
import path from 'node:path';
import type { Config } from '../config.js';

export { startWatcher, type Watcher, type WatchOptions, type WatchStats, type WatchHealth } from './watcher.js';
export { recoverWorkArea, type RecoveryResult } from './recovery.js';
export { PRESETS } from './presets.js';
export { FOLDERS } from './layout.js';

/** WATCH_DIR, or `DATA_DIR/watch` when it is not set. */
export function defaultWatchDir(config: Config): string {
  return config.watchDir ? path.resolve(config.watchDir) : path.join(config.dataDir, 'watch');
}
