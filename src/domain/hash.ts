/** The one content hash of the product: SHA-256, hex. */
import { createHash } from 'node:crypto';

export function sha256(b: Buffer | string): string {
  return createHash('sha256').update(b).digest('hex');
}
