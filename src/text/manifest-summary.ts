/** Turns c2pa-node's reader JSON into the report's C2PA summary. */
import { MARK_ASSERTION } from '../core/manifest.js';
import type { C2paState, C2paSummary } from '../core/report.js';
import { DST_BASE, SOURCE_TYPES } from '../provenance/xmp.js';

type Json = Record<string, any>;

export function isAiSourceType(dst: string | undefined): boolean {
  if (!dst) return false;
  const name = dst.startsWith(DST_BASE) ? dst.slice(DST_BASE.length) : dst;
  return (SOURCE_TYPES as readonly string[]).includes(name);
}

export function summaryOfManifest(json: Json): C2paSummary {
  const statuses: Json[] = Array.isArray(json.validation_status) ? json.validation_status : [];
  const codes = statuses.map((s) => String(s.code));
  const state = stateOf(String(json.validation_state ?? ''));
  const active: Json | undefined = json.active_manifest ? json.manifests?.[json.active_manifest] : undefined;
  const summary: C2paSummary = { state, codes };
  if (state === 'invalid') {
    const failures = statuses.filter((s) => s.code !== 'signingCredential.untrusted');
    summary.message = failures.map((s) => s.explanation ?? s.code).join('; ').slice(0, 400) || undefined;
  }
  if (!active) return summary;
  summary.activeManifest = json.active_manifest;
  const sig: Json = active.signature_info ?? {};
  summary.signer = { commonName: sig.common_name, issuer: sig.issuer, alg: sig.alg };
  if (sig.time) summary.signedAt = sig.time;
  const gen: Json | undefined = active.claim_generator_info?.[0];
  if (gen?.name) summary.claimGenerator = gen.version ? `${gen.name} ${gen.version}` : gen.name;
  const assertions: Json[] = Array.isArray(active.assertions) ? active.assertions : [];
  summary.actions = assertions
    .filter((a) => String(a.label).startsWith('c2pa.actions'))
    .flatMap((a) => (Array.isArray(a.data?.actions) ? a.data.actions : []))
    .map((a: Json) => ({
      action: String(a.action),
      ...(a.digitalSourceType ? { digitalSourceType: String(a.digitalSourceType) } : {}),
      ...(a.softwareAgent ? { softwareAgent: typeof a.softwareAgent === 'string' ? a.softwareAgent : [a.softwareAgent.name, a.softwareAgent.version].filter(Boolean).join(' ') } : {}),
      ...(a.when ? { when: String(a.when) } : {}),
    }));
  const mark = assertions.find((a) => a.label === MARK_ASSERTION)?.data;
  if (mark && typeof mark === 'object') summary.visibleWarning = { wording: mark.wording, languages: mark.languages, region: mark.element ?? mark.placement };
  return summary;
}

function stateOf(s: string): C2paState {
  if (s === 'Trusted') return 'trusted';
  if (s === 'Valid') return 'valid';
  return 'invalid';
}
