/**
 * Detector: C2PA Content Credentials. Reads and validates the manifest store (never
 * fetching a remote one unless its host is allow-listed), summarises the active manifest
 * (signer, time, actions, ingredients, our own visible-warning assertion) and turns its
 * claims into signals.
 */
import { MARK_ASSERTION } from '../provenance/manifest.js';
import { REVIEW_ASSERTION } from '../domain/review.js';
import { ISCC_ALG, softBindingsOf } from '../domain/iscc/index.js';
import { warningSigner } from '../domain/warning-trust.js';
import type { C2paState, C2paSummary, Signal } from '../domain/report.js';
import { errorMessage } from '../domain/errors.js';
import {
  activeSignerTrusted,
  type ManifestReader,
  mayCarryManifest,
  readManifest,
  readManifestStore,
  type ReadOutcome,
  type ReadSettings,
} from '../provenance/c2pa.js';
import { knownGenerator } from './generators.js';
import { personalInStore } from './c2pa-privacy.js';
import type { PrivacyItem } from '../domain/personal-data.js';
import { profileClaims } from './profile-claims.js';
import { fetchRemoteManifest, hostAllowed } from './remote-manifest.js';
import { sourceTypeName, sourceTypeSaysAi } from './source-types.js';

export interface C2paCheck {
  trustAnchorsPem?: string;
  remoteManifestHosts: string[];
  /** Our own signing certificate: the only untrusted signer whose visible-warning claim is believed. */
  ownCertPem?: string;
}

export interface C2paFindings {
  c2pa: C2paSummary;
  signals: Signal[];
  /** Personal data signed into the store's manifests (c2pa-privacy.ts). */
  privacy?: PrivacyItem[];
}

// biome-ignore lint/suspicious/noExplicitAny: c2pa-node's reader JSON is untyped; each field is checked where it is read.
type Json = Record<string, any>;

export async function detectC2pa(bytes: Buffer, mimeType: string, check: C2paCheck): Promise<C2paFindings> {
  const settings = { trustAnchorsPem: check.trustAnchorsPem };
  const outcome: ReadOutcome = await readManifest(bytes, mimeType, settings);
  if (outcome.kind === 'remote') {
    const url = outcome.url;
    if (!hostAllowed(url, check.remoteManifestHosts))
      return remote(url, `remote manifest referenced at ${url}, not fetched (its host is not on the allow-list)`);
    try {
      const store = await fetchRemoteManifest(url);
      return await detectC2paStore(store, bytes, mimeType, check, url);
    } catch (err) {
      return remote(url, `remote manifest referenced at ${url} could not be fetched (${errorMessage(err).slice(0, 120)})`);
    }
  }
  if (outcome.kind === 'absent') return absent();
  // The SDK fails on any damaged file (a truncated PNG): without a JUMBF box or a reference there is no manifest to call unreadable.
  if (outcome.kind === 'unreadable' && !mayCarryManifest(bytes)) return absent();
  return findingsOf(outcome, (s) => readManifest(bytes, mimeType, s), check);
}

/**
 * A manifest store that travels beside the asset (a text's carrier, a fetched remote
 * manifest), validated against the asset's bytes: the same findings as an embedded one.
 */
export async function detectC2paStore(store: Buffer, asset: Buffer, mimeType: string, check: C2paCheck, fetchedFrom?: string): Promise<C2paFindings> {
  const outcome = await readManifestStore(store, asset, mimeType, { trustAnchorsPem: check.trustAnchorsPem });
  return findingsOf(outcome, (s) => readManifestStore(store, asset, mimeType, s), check, fetchedFrom);
}

async function findingsOf(
  outcome: ReadOutcome,
  readAgain: (s: ReadSettings) => Promise<ReadOutcome>,
  check: C2paCheck,
  fetchedFrom?: string,
): Promise<C2paFindings> {
  if (outcome.kind === 'absent') return absent();
  if (outcome.kind === 'remote') return remote(outcome.url, `remote manifest referenced at ${outcome.url}, not fetched`);
  if (outcome.kind === 'unreadable') {
    const reason = outcome.message.slice(0, 200);
    return {
      c2pa: {
        state: 'unreadable',
        codes: ['manifest.unreadable'],
        message: `a C2PA manifest is present but cannot be read: ${reason}`,
        ...(fetchedFrom ? { remoteUrl: fetchedFrom } : {}),
      },
      signals: [{ source: 'c2pa', ai: null, label: false, detail: `a C2PA manifest is present but cannot be read (${reason})` }],
    };
  }
  const found = summarise(outcome.reader, fetchedFrom);
  if (found.c2pa.visibleWarning || found.c2pa.review) await judgeWarning(found, check.ownCertPem, readAgain);
  return found;
}

function absent(): C2paFindings {
  return { c2pa: { state: 'absent', codes: [], message: 'no C2PA manifest' }, signals: [] };
}

/** Marks whose the visible-warning claim is; only a believed one is a label. */
async function judgeWarning(found: C2paFindings, ownCertPem: string | undefined, readAgain: (s: ReadSettings) => Promise<ReadOutcome>): Promise<void> {
  const signer = await warningSigner(found.c2pa.state, ownCertPem, async (pem) => activeSignerTrusted(await readAgain({ allowedListPem: pem })));
  if (found.c2pa.visibleWarning) found.c2pa.visibleWarning.signer = signer;
  // An editor's review is believed on the same terms as the warning: anyone can copy the assertion.
  if (found.c2pa.review) found.c2pa.review.signer = signer;
  const s = found.signals.find((x) => x.source === 'c2pa-visible-warning');
  if (s && signer === 'untrusted') {
    s.label = false;
    s.believed = false;
    if (s.verified)
      s.detail =
        "the C2PA manifest claims a visible AI warning, but its signer is neither this service's own signing identity nor trusted, so the claim is not relied on";
  }
}

function remote(url: string, message: string): C2paFindings {
  return {
    c2pa: { state: 'remote', codes: ['manifest.remote.notFetched'], remoteUrl: url, message },
    signals: [{ source: 'c2pa', ai: null, label: false, remoteUrl: url, detail: message }],
  };
}

function summarise(reader: ManifestReader, fetchedFrom?: string): C2paFindings {
  const store = reader.json() as Json;
  const state = stateOf(store.validation_state);
  const codes = [...new Set(((store.validation_status ?? []) as Json[]).map((s) => String(s.code)))];
  const label: string | undefined = store.active_manifest ?? undefined;
  const active: Json = (label && store.manifests?.[label]) || {};
  const sig: Json = active.signature_info ?? {};
  const verified = state === 'valid' || state === 'trusted';
  const claimGenerator = claimGeneratorOf(active);
  const actions = actionsOf(active);
  const deltas = deltasOf(store);
  const warning = ((active.assertions ?? []) as Json[]).find((a) => a.label === MARK_ASSERTION)?.data as Json | undefined;
  const bindings = softBindingsOf(active.assertions);
  const softBinding = bindings.find((b) => b.alg === ISCC_ALG) ?? bindings[0];

  const c2pa: C2paSummary = {
    state,
    codes,
    ...(label ? { activeManifest: label } : {}),
    signer: clean({ commonName: sig.common_name, organisation: sig.issuer, alg: sig.alg }),
    ...(sig.time ? { signedAt: String(sig.time) } : {}),
    ...(claimGenerator ? { claimGenerator } : {}),
    actions,
    ingredients: ((active.ingredients ?? []) as Json[]).map((i) => ingredientOf(i, deltas)),
    ...(warning
      ? {
          visibleWarning: clean({
            wording: warning.wording,
            languages: warning.languages,
            region: warning.region ?? warning.element ?? warning.placement,
            icon: warning.icon,
          }),
        }
      : {}),
    ...(softBinding ? { softBinding } : {}),
    ...reviewOf(active),
    ...profileClaims(active, sig),
    ...(fetchedFrom ? { remoteUrl: fetchedFrom } : {}),
    message: stateMessage(state, codes, sig),
  };

  const signals: Signal[] = [];
  const who = sig.issuer || sig.common_name || 'an unknown signer';
  const proof = verified ? `signed by ${who}` : 'in a manifest that failed validation';
  for (const a of actions.filter((x) => x.digitalSourceType)) {
    const ai = sourceTypeSaysAi(a.digitalSourceType!);
    signals.push({
      source: 'c2pa',
      ai,
      label: ai === true && verified,
      verified,
      field: `${a.action} digitalSourceType`,
      value: a.digitalSourceType,
      ...(a.softwareAgent ? { softwareAgent: a.softwareAgent } : {}),
      detail: `C2PA action ${a.action} declares source type "${sourceTypeName(a.digitalSourceType!)}"${a.softwareAgent ? ` (software ${a.softwareAgent})` : ''}, ${proof}`,
    });
  }
  for (const [mLabel, m] of Object.entries((store.manifests ?? {}) as Record<string, Json>)) {
    if (mLabel === label) continue;
    for (const a of actionsOf(m).filter((x) => x.digitalSourceType && sourceTypeSaysAi(x.digitalSourceType) === true)) {
      signals.push({
        source: 'c2pa-ingredient',
        ai: true,
        label: false,
        verified,
        manifest: mLabel,
        value: a.digitalSourceType,
        detail: `an ingredient's C2PA manifest declares source type "${sourceTypeName(a.digitalSourceType!)}"`,
      });
    }
  }
  const generator = knownGenerator(claimGenerator) ?? actions.map((a) => knownGenerator(a.softwareAgent)).find(Boolean);
  if (generator)
    signals.push({
      source: 'c2pa-generator',
      ai: true,
      label: false,
      verified,
      generator,
      detail: `the C2PA manifest was made by or names the AI generator ${generator}`,
    });
  if (warning) {
    signals.push({
      source: 'c2pa-visible-warning',
      ai: true,
      label: verified,
      verified,
      wording: warning.wording,
      detail: `the C2PA manifest records a visible AI warning burned into the picture${verified ? '' : ', but the manifest failed validation'}`,
    });
  }
  if (!signals.some((s) => s.source === 'c2pa'))
    signals.push({
      source: 'c2pa',
      ai: null,
      label: false,
      verified,
      detail: `C2PA manifest ${verified ? `${state}, ${proof}` : 'failed validation'}; it declares no digital source type`,
    });
  return { c2pa, signals, privacy: personalInStore(store) };
}

function stateOf(v: unknown): C2paState {
  if (v === 'Trusted') return 'trusted';
  if (v === 'Valid') return 'valid';
  return 'invalid';
}

function stateMessage(state: C2paState, codes: string[], sig: Json): string {
  const who = sig.issuer || sig.common_name;
  if (state === 'trusted') return `the manifest is intact and its signer${who ? ` (${who})` : ''} chains to a trust anchor`;
  if (state === 'valid') return `the manifest is intact, but its signer${who ? ` (${who})` : ''} is not on the trust list`;
  const failures = codes.filter((c) => c !== 'signingCredential.untrusted');
  return `the manifest failed validation: ${failures.join(', ') || 'unknown reason'}`;
}

function claimGeneratorOf(m: Json): string | undefined {
  if (typeof m.claim_generator === 'string' && m.claim_generator) return m.claim_generator;
  const info = (m.claim_generator_info ?? []) as Json[];
  const names = info.map((i) => [i.name, i.version].filter(Boolean).join(' ')).filter(Boolean);
  return names.length ? names.join(', ') : undefined;
}

type Action = NonNullable<C2paSummary['actions']>[number];

function actionsOf(m: Json): Action[] {
  const out: Action[] = [];
  for (const a of (m.assertions ?? []) as Json[]) {
    if (typeof a.label !== 'string' || !/^c2pa\.actions(\.v\d+)?$/.test(a.label)) continue;
    for (const act of (a.data?.actions ?? []) as Json[]) {
      const agent = act.softwareAgent;
      const softwareAgent = typeof agent === 'string' ? agent : agent?.name ? [agent.name, agent.version].filter(Boolean).join(' ') : undefined;
      out.push(clean({ action: String(act.action), digitalSourceType: act.digitalSourceType, softwareAgent, when: act.when }) as Action);
    }
  }
  return out;
}

/**
 * An ingredient's state as this verifier sees it: the deltas computed now (with our trust
 * anchors) win over the results recorded when the ingredient was added.
 */
function ingredientOf(i: Json, deltas: Map<string, Json>): NonNullable<C2paSummary['ingredients']>[number] {
  const recorded = i.validation_results?.activeManifest as Json | undefined;
  const delta = typeof i.label === 'string' ? deltas.get(i.label) : undefined;
  const codesOf = (list: unknown) => ((list ?? []) as Json[]).map((s) => String(s.code));
  const failures = delta ? codesOf(delta.failure) : recorded ? codesOf(recorded.failure) : codesOf(i.validation_status);
  const trusted = [...codesOf(delta?.success), ...(delta ? [] : codesOf(recorded?.success))].includes('signingCredential.trusted');
  const state = !i.active_manifest ? 'absent' : failures.some((c) => c !== 'signingCredential.untrusted') ? 'invalid' : trusted ? 'trusted' : 'valid';
  return clean({ title: i.title, relationship: i.relationship, state, codes: [...new Set(failures)], activeManifest: i.active_manifest });
}

/** Ingredient validation deltas keyed by the ingredient assertion's label. */
function deltasOf(store: Json): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const d of (store.validation_results?.ingredientDeltas ?? []) as Json[]) {
    const label = String(d.ingredientAssertionURI ?? '')
      .split('/')
      .pop();
    if (label) out.set(label, d.validationDeltas ?? {});
  }
  return out;
}

/** Drops undefined fields, so the JSON report has no `null`-looking gaps. */
function clean<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== '')) as T;
}

/** Our review assertion of the active manifest, strings only and clipped (the file is not ours to trust). */
function reviewOf(active: Json): { review?: NonNullable<C2paSummary['review']> } {
  const d = ((active.assertions ?? []) as Json[]).find((a) => a.label === REVIEW_ASSERTION)?.data as Json | undefined;
  const str = (v: unknown) => (typeof v === 'string' && v ? v.slice(0, 200) : undefined);
  if (!d || !str(d.reviewer) || !str(d.at)) return {};
  const wording =
    d.wording && typeof d.wording === 'object'
      ? Object.fromEntries(
          Object.entries(d.wording as Json)
            .filter(([k, v]) => /^[a-z]{2}$/.test(k) && typeof v === 'string')
            .map(([k, v]) => [k, (v as string).slice(0, 200)]),
        )
      : undefined;
  return {
    review: clean({
      reviewer: str(d.reviewer)!,
      reviewerName: str(d.reviewerName),
      role: str(d.role),
      at: str(d.at)!,
      decision: str(d.decision) ?? 'approved',
      wording,
    }),
  };
}
