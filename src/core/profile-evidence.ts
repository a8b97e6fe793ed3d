/**
 * Turns what a verification found into the terms every profile judges by (Evidence), then
 * asks each profile's table for its verdict. `compliance` stays the kz verdict; the kz
 * profile only repeats it with what is missing.
 */
import { judgeAll, type Evidence, type Judgement, type ProfileId } from '../domain/profiles/index.js';
import type { C2paSummary, Signal } from '../domain/report.js';
import { believedWarning } from '../domain/warning-trust.js';
import type { Verdict } from './verdict.js';

export function judgeProfiles(kind: 'image' | 'text', v: Verdict, c2pa: C2paSummary, signals: Signal[]): Record<ProfileId, Judgement> {
  return judgeAll(evidenceOf(kind, v, c2pa, signals));
}

export function evidenceOf(kind: 'image' | 'text', v: Verdict, c2pa: C2paSummary, signals: Signal[]): Evidence {
  const intact = c2pa.state === 'valid' || c2pa.state === 'trusted';
  const believed = believedWarning(c2pa);
  const tc260 = signals.find((s) => s.source === 'tc260' && s.label === true && s.aigc && typeof s.aigc === 'object');
  return {
    kind,
    aiGenerated: v.aiGenerated,
    tampered: v.tampered,
    kz: v.compliance,
    manifestIntact: intact,
    timestamped: intact && !!c2pa.signedAt,
    // A text's carrier renames its manifest's signals c2pa-text (text/read-provenance.ts).
    c2paAi: signals.some((s) => (s.source === 'c2pa' || s.source === 'c2pa-text') && s.label === true),
    iptcAi: signals.some((s) => s.source === 'xmp-iptc' && s.label === true),
    visible: v.compliance.visibleWarning,
    visibleLanguages: visibleLanguages(v, signals, believed?.languages),
    euIcon: !!believed?.icon,
    editorialReview: intact && c2pa.review?.decision === 'approved' && (c2pa.review.signer === 'own' || c2pa.review.signer === 'trusted'),
    aigc: (tc260?.aigc as Record<string, unknown> | undefined) ?? (intact ? c2pa.aigc : undefined),
    latent: intact ? c2pa.latentDisclosure : undefined,
  };
}

/** The languages of the warning a person sees: as read (OCR, the text), else as a believed manifest records them. */
function visibleLanguages(v: Verdict, signals: Signal[], recorded: string[] | undefined): string[] {
  if (v.compliance.visibleWarning !== true) return [];
  const read = signals
    .filter((s) => s.visible === true && (s.source === 'visible-text' || s.source === 'text-notice'))
    .flatMap((s) => [...(typeof s.language === 'string' ? [s.language] : []), ...(Array.isArray(s.languages) ? s.languages.map(String) : [])]);
  return [...new Set(read.length ? read : (recorded ?? []))];
}
