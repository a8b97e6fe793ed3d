/**
 * The one door to c2pa-node: settings, reading and signing. Settings go to Rust as-is, so
 * keys are snake_case. Remote manifest fetching is always off here; the verifier decides
 * separately (and only for allow-listed hosts) whether a remote manifest may be fetched.
 */
import type * as C2paNode from '@contentauth/c2pa-node';
import { LabellerError, errorMessage } from '../domain/errors.js';

/**
 * The classes come from their own files: the package's index also loads its settings helpers
 * (node-fetch, fs-extra), ~70 ms of start-up CPU that every `labeller label` paid for nothing.
 * Should a release move them, the index is the fallback.
 */
const DIST = '@contentauth/c2pa-node/dist/';
type Sdk = Pick<typeof C2paNode, 'Builder' | 'CallbackSigner' | 'LocalSigner' | 'Reader'>;
async function loadSdk(): Promise<Sdk> {
  try {
    const [b, s, r] = await Promise.all([import(`${DIST}Builder.js`), import(`${DIST}Signer.js`), import(`${DIST}Reader.js`)]);
    return { Builder: b.Builder, CallbackSigner: s.CallbackSigner, LocalSigner: s.LocalSigner, Reader: r.Reader };
  } catch {
    return import('@contentauth/c2pa-node');
  }
}
const { Builder, CallbackSigner, LocalSigner, Reader } = await loadSdk();
type Builder = C2paNode.Builder;
type Reader = C2paNode.Reader;
type CallbackSigner = C2paNode.CallbackSigner;
type LocalSigner = C2paNode.LocalSigner;

/** A validated manifest store, as c2pa-node's reader holds it. */
export type ManifestReader = Reader;

/** Whatever signs: a key in this process (LocalSigner) or a KMS/HSM callback. */
export type C2paSigner = LocalSigner | CallbackSigner;

export type SigningAlg = 'es256' | 'es384' | 'es512' | 'ps256' | 'ps384' | 'ps512' | 'ed25519';

/** A signer holding a PEM chain (signer first) and its PKCS#8 key. */
export function localSigner(chainPem: Buffer | string, keyPem: Buffer | string, alg: SigningAlg, tsaUrl?: string): C2paSigner {
  return LocalSigner.newSigner(Buffer.from(chainPem), Buffer.from(keyPem), alg, tsaUrl);
}

/** A signer whose raw signatures come from `sign` (a KMS or HSM): the key never enters this process. */
export function callbackSigner(chainPem: Buffer, alg: SigningAlg, sign: (data: Buffer) => Promise<Buffer>, tsaUrl?: string): C2paSigner {
  return CallbackSigner.newSigner({ alg, certs: [chainPem], reserveSize: 20_000, tsaUrl, directCoseHandling: false }, async (data: Buffer) =>
    Buffer.from(await sign(data)),
  );
}

async function signWith(signer: C2paSigner, builder: Builder, input: { buffer: Buffer; mimeType: string }, out: { buffer: Buffer | null }): Promise<Buffer> {
  return signer instanceof CallbackSigner ? builder.signAsync(signer, input, out) : builder.sign(signer, input, out);
}

/**
 * Signs a manifest store that is not embedded by the SDK (a text's carrier holds it): the
 * manifest brings its own hard binding (`c2pa.hash.data`), so the SDK hashes nothing and a
 * one-byte stand-in asset keeps large texts cheap. Returns the store and its active label.
 */
export async function signDetachedStore(manifest: Record<string, unknown>, signer: C2paSigner): Promise<{ store: Buffer; manifestLabel?: string }> {
  try {
    const builder = Builder.withJson(manifest as never, c2paSettings() as never);
    builder.setNoEmbed(true);
    const store = await signWith(signer, builder, { buffer: Buffer.from(' '), mimeType: 'text/plain' }, { buffer: null });
    return { store, manifestLabel: activeLabelOf(store) };
  } catch (err) {
    throw new LabellerError('signing_failed', `signing the text manifest failed: ${sanitise(errorMessage(err))}`, { cause: err });
  }
}

export interface ReadSettings {
  trustAnchorsPem?: string;
  /** End-entity certificates trusted as they are (c2pa-rs compares them by hash): our own signer's. */
  allowedListPem?: string;
}

export function c2paSettings(opts: ReadSettings = {}): Record<string, unknown> {
  const trust = {
    ...(opts.trustAnchorsPem ? { trust_anchors: opts.trustAnchorsPem } : {}),
    ...(opts.allowedListPem ? { allowed_list: opts.allowedListPem } : {}),
  };
  return {
    verify: { remote_manifest_fetch: false },
    ...(Object.keys(trust).length ? { trust } : {}),
    builder: { thumbnail: { enabled: false } },
  };
}

/** Whether the active manifest validated and its signing certificate was trusted under the settings it was read with. */
export function activeSignerTrusted(outcome: ReadOutcome): boolean {
  if (outcome.kind !== 'manifest') return false;
  const store = outcome.reader.json() as { validation_state?: string; validation_results?: { activeManifest?: { success?: { code?: string }[] } } };
  if (store.validation_state !== 'Trusted' && store.validation_state !== 'Valid') return false;
  return (store.validation_results?.activeManifest?.success ?? []).some((s) => s.code === 'signingCredential.trusted');
}

export type ReadOutcome =
  | { kind: 'absent' }
  | { kind: 'manifest'; reader: Reader }
  | { kind: 'remote'; url: string; message: string }
  | { kind: 'unreadable'; message: string };

/**
 * Every embedded store has a JUMBF box ('jumb', labelled 'c2pa'), and a remote reference is an
 * XMP `dcterms:provenance`: a file with none of these words has no manifest, and a 3 ms scan
 * spares labelling the SDK's full parse (~35 ms on a 12 MP JPEG).
 */
export function mayCarryManifest(bytes: Buffer): boolean {
  return bytes.includes('jumb') || bytes.includes('c2pa') || bytes.includes('provenance');
}

/** Never throws: every way a manifest can fail to load becomes an outcome the caller reports. */
export async function readManifest(bytes: Buffer, mimeType: string, opts: ReadSettings = {}): Promise<ReadOutcome> {
  try {
    const reader = await Reader.fromAsset({ buffer: bytes, mimeType }, c2paSettings(opts) as never);
    return reader ? { kind: 'manifest', reader } : { kind: 'absent' };
  } catch (err) {
    const message = errorMessage(err);
    const remote = /remote manifests? from url\s+(\S+)/i.exec(message);
    if (remote) return remoteOutcome(withoutTrailingPunctuation(remote[1]), message);
    if (/no jumbf|jumbf not found|manifest not found|no manifest/i.test(message) && !/invalid/i.test(message)) return { kind: 'absent' };
    return { kind: 'unreadable', message };
  }
}

export interface SignRequest {
  bytes: Buffer;
  mimeType: string;
  signer: C2paSigner;
  manifest: Record<string, unknown>;
  thumbnail?: { bytes: Buffer; mimeType: string };
  /** The original input (with its manifest) when `parent` is set. */
  bytesBeforeEdit?: Buffer;
  /** The input itself, when it carries a manifest: it becomes the parent ingredient. */
  parent?: { title: string };
}

export interface Signed {
  bytes: Buffer;
  manifestLabel?: string;
}

export async function signAsset(req: SignRequest): Promise<Signed> {
  const manifest = { ...req.manifest } as Record<string, unknown>;
  if (req.thumbnail) manifest.thumbnail = { format: req.thumbnail.mimeType, identifier: 'thumbnail' };
  try {
    const builder = Builder.withJson(manifest as never, c2paSettings() as never);
    if (req.thumbnail) await builder.addResource('thumbnail', { buffer: req.thumbnail.bytes, mimeType: req.thumbnail.mimeType });
    if (req.parent) {
      // The SDK reads the input's own store, so the generator's chain is kept whole.
      await builder.addIngredient(JSON.stringify({ title: req.parent.title, relationship: 'parentOf', label: 'parent' }), {
        buffer: req.bytesBeforeEdit ?? req.bytes,
        mimeType: req.mimeType,
      });
    }
    const out: { buffer: Buffer | null } = { buffer: null };
    const input = { buffer: req.bytes, mimeType: req.mimeType };
    const manifestBytes = await signWith(req.signer, builder, input, out);
    if (!out.buffer) throw new Error('the SDK returned no signed bytes');
    return { bytes: out.buffer, manifestLabel: activeLabelOf(manifestBytes) };
  } catch (err) {
    throw new LabellerError('signing_failed', `signing the C2PA manifest failed: ${sanitise(errorMessage(err))}`, { cause: err });
  }
}

/** The active manifest is the last manifest box of the store. */
function activeLabelOf(store: Buffer): string | undefined {
  const labels = store.toString('latin1').match(/urn:(?:c2pa|uuid):[0-9a-f-]{36}(?::[^\0]*)?/g);
  return labels?.at(-1);
}

/**
 * RFC 9110 asks servers to take URIs of 8000 octets; a longer "URL" (it comes from the file, up
 * to the metadata cap) is no reference any server answers, and would be copied into every
 * report and record: such a reference is unreadable, named by its length and its start.
 */
const MAX_REMOTE_URL = 8000;

function remoteOutcome(url: string, message: string): ReadOutcome {
  if (url.length <= MAX_REMOTE_URL) return { kind: 'remote', url, message };
  const start = url.slice(0, 60);
  return {
    kind: 'unreadable',
    message: `the remote manifest URL is ${url.length} characters long, more than the ${MAX_REMOTE_URL} a server must accept (${start}…)`,
  };
}

/**
 * The URL without the punctuation the message puts after it. A loop from the end: /[)"'.,]+$/
 * retried from every character of a run that does not end the URL (the URL comes from the
 * file: 160 KB of dots took 47 s).
 */
function withoutTrailingPunctuation(url: string): string {
  let end = url.length;
  while (end > 0 && `)"'.,`.includes(url[end - 1])) end--;
  return url.slice(0, end);
}

/**
 * Never let PEM material reach a message or a log: each "-----BEGIN" up to the first
 * "-----END…-----" after it becomes [redacted], as /-----BEGIN[\s\S]*?-----END[^-]*-----/g did,
 * but with forward searches only (that regex rescanned the rest from every unclosed BEGIN).
 */
function sanitise(s: string): string {
  const parts: string[] = [];
  let at = 0;
  for (let begin = s.indexOf('-----BEGIN'); begin >= 0; begin = s.indexOf('-----BEGIN', at)) {
    let close = -1;
    for (let end = s.indexOf('-----END', begin + 10); end >= 0; end = s.indexOf('-----END', end + 1)) {
      // [^-]* then "-----": the first "-" after END must open the closing dashes.
      const dash = s.indexOf('-', end + 8);
      if (dash >= 0 && s.startsWith('-----', dash)) {
        close = dash + 5;
        break;
      }
    }
    if (close < 0) break; // no later BEGIN can close either
    parts.push(s.slice(at, begin), '[redacted]');
    at = close;
  }
  parts.push(s.slice(at));
  return parts.join('').slice(0, 300);
}

/**
 * Validates a manifest store that was obtained separately (a remote manifest fetched from an
 * allow-listed host) against the asset bytes. Never throws, like readManifest.
 */
export async function readManifestStore(store: Buffer, bytes: Buffer, mimeType: string, opts: ReadSettings = {}): Promise<ReadOutcome> {
  try {
    const reader = await Reader.fromManifestDataAndAsset(store, { buffer: bytes, mimeType }, c2paSettings(opts) as never);
    return { kind: 'manifest', reader };
  } catch (err) {
    return { kind: 'unreadable', message: errorMessage(err) };
  }
}
