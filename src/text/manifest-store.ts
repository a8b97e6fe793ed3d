/**
 * Signs a bare C2PA manifest store for text. c2pa-node cannot embed into text, but with
 * `setNoEmbed` it returns the store, and it keeps a `c2pa.hash.data` assertion we supply as
 * the hard binding. The binding hashes the file's bytes minus one exclusion: exactly the
 * carrier (A.8 wrapper, A.9 block, A.7 script element) that will hold the store.
 */
import { createHash, type Hash } from 'node:crypto';
import { LabellerError } from '../domain/errors.js';
import { type C2paSigner, signDetachedStore } from '../provenance/c2pa.js';

export interface CarrierPlan {
  /** Output bytes before and after the carrier: what the hard binding covers. */
  before: Buffer;
  after: Buffer;
  /** The carrier's exact byte length for a store of `storeLength` bytes. */
  lengthFor(storeLength: number): number;
  /** Whether this store can fill a carrier of `carrierLength` bytes; default: exactly its own length. */
  fits?(store: Buffer, carrierLength: number): boolean;
}

export interface SignedText {
  store: Buffer;
  carrierLength: number;
  manifestLabel?: string;
}

/** Last store length seen per carrier kind: usually right first time, saving a second signature. */
const lastStoreLength = new Map<string, number>();

/** `beforeHash`, when given, is sha256 already fed `plan.before` (left untouched): a megabyte not hashed twice. */
export async function signTextStore(
  kind: string,
  manifest: Record<string, unknown>,
  plan: CarrierPlan,
  signer: C2paSigner,
  beforeHash?: Hash,
): Promise<SignedText> {
  const hash = (beforeHash?.copy() ?? createHash('sha256').update(plan.before)).update(plan.after).digest();
  let guess = lastStoreLength.get(kind) ?? 0;
  // The store's length depends (a little) on the exclusion it records, which depends on the
  // store's length: converge in a few rounds.
  for (let round = 0; round < 4; round++) {
    const carrierLength = plan.lengthFor(guess);
    const { store, manifestLabel } = await signDetachedStore(withBinding(manifest, hash, plan.before.length, carrierLength), signer);
    if (plan.fits ? plan.fits(store, carrierLength) : plan.lengthFor(store.length) === carrierLength) {
      lastStoreLength.set(kind, store.length);
      return { store, carrierLength, manifestLabel };
    }
    guess = store.length;
  }
  throw new LabellerError('signing_failed', 'the text manifest store did not settle on a stable length');
}

function withBinding(manifest: Record<string, unknown>, hash: Buffer, start: number, length: number): Record<string, unknown> {
  const assertions = [...((manifest.assertions as unknown[]) ?? [])];
  assertions.push({
    label: 'c2pa.hash.data',
    data: { exclusions: [{ start, length }], name: 'jumbf manifest', alg: 'sha256', hash: [...hash], pad: [] },
  });
  return { ...manifest, assertions };
}
