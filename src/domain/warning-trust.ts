/**
 * Whose `kz.labeller.visible-warning` assertion counts. Anyone can copy our assertion into a
 * manifest and sign it with any key, or put our organisation's name in their own certificate:
 * a merely valid signature says nothing about a warning burned into the pixels. The claim is
 * believed only from our own signing certificate (compared as a certificate: c2pa-rs matches
 * it by hash in its allowed list) or from a signer that chains to a configured trust anchor.
 * Images and texts both decide here.
 */
import type { C2paState, C2paSummary } from './report.js';

/** own: our signing certificate; trusted: chains to a trust anchor; untrusted: neither, not believed. */
export type WarningSigner = 'own' | 'trusted' | 'untrusted';

/**
 * `signedBy(pem)` re-reads the same manifest with `pem` as the only trusted end-entity
 * certificate and says whether its active signer is trusted then.
 */
export async function warningSigner(state: C2paState, ownCertPem: string | undefined, signedBy: (pem: string) => Promise<boolean>): Promise<WarningSigner> {
  if (state === 'trusted') return 'trusted';
  if (state !== 'valid' || !ownCertPem) return 'untrusted';
  return (await signedBy(ownCertPem)) ? 'own' : 'untrusted';
}

/** The recorded warning, when it may be relied on. */
export function believedWarning(c2pa: C2paSummary): C2paSummary['visibleWarning'] | undefined {
  const w = c2pa.visibleWarning;
  return w && (w.signer === 'own' || w.signer === 'trusted') && (c2pa.state === 'valid' || c2pa.state === 'trusted') ? w : undefined;
}

/** Why an editor sees no compliance although the manifest claims a warning. */
export function untrustedWarningNote(c2pa: C2paSummary): Record<'kk' | 'ru' | 'en', string> | undefined {
  if (!c2pa.visibleWarning || believedWarning(c2pa)) return undefined;
  return {
    kk: 'Көрінетін ескерту туралы мәлімдеме біз сенбейтін қол қоюшыдан келген, сондықтан ескерту тексерілмеген болып саналады.',
    ru: 'Заявление о видимом предупреждении исходит от подписанта, которому мы не доверяем, поэтому предупреждение считается непроверенным.',
    en: 'The visible-warning claim comes from a signer we do not trust, so the warning counts as unverified.',
  };
}
