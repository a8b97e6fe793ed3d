/**
 * What an active C2PA manifest says for the labelling profiles beyond the actions: the GB 45438
 * implicit label (our kz.labeller.tc260-aigc assertion, the only place a text can carry it) and
 * the California latent disclosure: our kz.labeller.latent-disclosure assertion, or, from
 * anyone else's manifest, the standard fields that carry the same facts (the signer, the
 * c2pa.created action's softwareAgent name and version, the time-stamp, the instance id).
 */
import type { C2paSummary } from '../domain/report.js';
import { LATENT_ASSERTION, TC260_ASSERTION } from '../provenance/manifest.js';

// biome-ignore lint/suspicious/noExplicitAny: manifest JSON is untyped
type Json = any;

const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.slice(0, 300) : undefined);

export function profileClaims(active: Json, sig: Json): Pick<C2paSummary, 'aigc' | 'latentDisclosure'> {
  const assertions = (Array.isArray(active?.assertions) ? active.assertions : []) as Json[];
  const data = (label: string) => assertions.find((a) => a?.label === label)?.data as Json | undefined;
  const tc = data(TC260_ASSERTION)?.AIGC;
  const aigc = tc && typeof tc === 'object' && !Array.isArray(tc) ? (tc as Record<string, unknown>) : undefined;
  const ours = data(LATENT_ASSERTION);
  const created = assertions
    .filter((a) => typeof a?.label === 'string' && /^c2pa\.actions(\.v\d+)?$/.test(a.label))
    .flatMap((a) => (Array.isArray(a.data?.actions) ? a.data.actions : []))
    .find((act: Json) => act?.action === 'c2pa.created');
  const agent = created?.softwareAgent;
  const latent = ours
    ? {
        provider: str(ours.provider),
        system: str(ours.system),
        systemVersion: str(ours.systemVersion),
        createdAt: str(ours.createdAt),
        identifier: str(ours.identifier),
      }
    : {
        provider: str(sig?.issuer) ?? str(sig?.common_name),
        system: str(typeof agent === 'string' ? agent : agent?.name),
        systemVersion: str(agent?.version),
        createdAt: str(sig?.time) ?? str(created?.when),
        identifier: str(active?.instance_id),
      };
  const found = Object.fromEntries(Object.entries(latent).filter(([, v]) => v !== undefined));
  return { ...(aigc ? { aigc } : {}), ...(Object.keys(found).length ? { latentDisclosure: found } : {}) };
}
