/** The verify operation as the watch door uses it (one seam, so tests and the job agree on it). */
import { verify } from '../core/verify.js';
import type { Actor, CoreContext } from '../core/types.js';
import type { VerifyPolicy, VerifyReport } from '../domain/report.js';

export type VerifyFn = (input: Buffer, policy: VerifyPolicy, ctx: CoreContext, actor: Actor) => Promise<VerifyReport>;

export async function loadVerify(): Promise<VerifyFn> {
  return verify;
}
