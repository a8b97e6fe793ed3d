/**
 * The watermark key: WATERMARK_KEY (64 hex digits), else DATA_DIR/watermark.key, created on
 * first start (32 random bytes, mode 0600) like the development signing identity. Whoever has
 * it can read and write our marks; it is never logged, served or put in a record.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { LabellerError } from '../../domain/errors.js';

export const KEY_FILE = 'watermark.key';

/** The key, or undefined when WATERMARK_KEY=off. */
export function loadWatermarkKey(config: { dataDir: string; watermarkKey?: string }): Buffer | undefined {
  if (config.watermarkKey === 'off') return undefined;
  if (config.watermarkKey) return Buffer.from(config.watermarkKey, 'hex');
  const file = path.join(config.dataDir, KEY_FILE);
  try {
    const hex = fs.readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new LabellerError('bad_config', `${file} does not hold a watermark key (64 hex digits)`);
    return Buffer.from(hex, 'hex');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = randomBytes(32);
  // 'wx': a second process starting at the same moment keeps the first one's key.
  try {
    fs.writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadWatermarkKey(config);
    throw err;
  }
  return key;
}
