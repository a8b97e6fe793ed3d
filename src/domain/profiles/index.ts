/** The profiles, one table each; see types.ts for what a profile is. */
import { CN } from './cn.js';
import { EU } from './eu.js';
import { KZ } from './kz.js';
import { US_CA } from './us-ca.js';
import type { Evidence, Judgement, Profile, ProfileId } from './types.js';

export * from './types.js';
export { CN_NOTICE } from './cn.js';
export { EU_ACRONYM, variantOf } from './eu.js';

export const PROFILES: Record<ProfileId, Profile> = { kz: KZ, eu: EU, cn: CN, 'us-ca': US_CA };

/** Every profile's verdict on one file. */
export function judgeAll(e: Evidence): Record<ProfileId, Judgement> {
  return { kz: KZ.judge(e), eu: EU.judge(e), cn: CN.judge(e), 'us-ca': US_CA.judge(e) };
}
