/**
 * Signs a bare C2PA manifest store for text. c2pa-node cannot embed into text, but with
 * `setNoEmbed` it returns the store, and it keeps a `c2pa.hash.data` assertion we supply as
 * the hard binding. The binding hashes the file's bytes minus one exclusion: exactly the
 * carrier (A.8 wrapper, A.9 block, A.7 script element) that will hold the store.
 */
import { createHash, type Hash } from 'node:crypto';
import { Builder, CallbackSigner, type LocalSigner } from '@contentauth/c2pa-node';
import { LabellerError, errorMessage } from '../errors.js';
import { c2paSettings } from '../provenance/c2pa.js';

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
export async function signTextStore(kind: string, manifest: Record<string, unknown>, plan: CarrierPlan, signer: LocalSigner | CallbackSigner, beforeHash?: Hash): Promise<SignedText> {
  const hash = (beforeHash?.copy() ?? createHash('sha256').update(plan.before)).update(plan.after).digest();
  let guess = lastStoreLength.get(kind) ?? 0;
  // The store's length depends (a little) on the exclusion it records, which depends on the
  // store's length: converge in a few rounds.
  for (let round = 0; round < 4; round++) {
    const carrierLength = plan.lengthFor(guess);
    const store = await signOnce(withBinding(manifest, hash, plan.before.length, carrierLength), signer);
    if (plan.fits ? plan.fits(store, carrierLength) : plan.lengthFor(store.length) === carrierLength) {
      lastStoreLength.set(kind, store.length);
      return { store, carrierLength, manifestLabel: activeLabelOf(store) };
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

async function signOnce(manifest: Record<string, unknown>, signer: LocalSigner | CallbackSigner): Promise<Buffer> {
  try {
    const builder = Builder.withJson(manifest as never, c2paSettings() as never);
    builder.setNoEmbed(true);
    // The SDK hashes nothing here (the binding is ours); a stub asset keeps large texts cheap.
    const input = { buffer: Buffer.from(' '), mimeType: 'text/plain' };
    const out: { buffer: Buffer | null } = { buffer: null };
    return signer instanceof CallbackSigner ? await builder.signAsync(signer, input, out) : builder.sign(signer, input, out);
  } catch (err) {
    throw new LabellerError('signing_failed', `signing the text manifest failed: ${errorMessage(err).replace(/-----BEGIN[\s\S]*?-----END[^-]*-----/g, '[redacted]').slice(0, 300)}`, { cause: err });
  }
}

/** The active manifest is the last manifest box of the store. */
function activeLabelOf(store: Buffer): string | undefined {
  return store.toString('latin1').match(/urn:(?:c2pa|uuid):[0-9a-f-]{36}(?::[^\0]*)?/g)?.at(-1);
}
