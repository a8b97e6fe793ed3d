import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { createContext } from '../../src/startup.js';
import type { CoreContext } from '../../src/core/types.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const FIXTURES = path.join(ROOT, 'fixtures');
export const PEER_FIXTURES = path.resolve(ROOT, 'fixtures/peer/c2pa-rs');

export function tempDir(prefix = 'labeller-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A core context on a fresh data directory (its own development identity), no record. */
export async function testContext(env: Record<string, string> = {}): Promise<CoreContext & { dataDir: string }> {
  const dataDir = tempDir('labeller-data-');
  const config = loadConfig({ DATA_DIR: dataDir, ...env } as NodeJS.ProcessEnv);
  const ctx = await createContext({ config });
  return { ...ctx, dataDir };
}

export function fixture(...parts: string[]): Buffer {
  return fs.readFileSync(path.join(FIXTURES, ...parts));
}
