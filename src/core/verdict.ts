/**
 * Combines the detectors' signals into the verdict an editor acts on: is it AI-made, is its
 * provenance broken, does it carry both layers Art. 21(2) asks for.
 */
import type { C2paSummary, Signal, VerifyReport } from './report.js';
import { believedWarning } from './warning-trust.js';

export type Verdict = Pick<VerifyReport, 'aiGenerated' | 'tampered' | 'compliance'>;

export function combine(c2pa: C2paSummary, signals: Signal[]): Verdict {
  const verified = c2pa.state === 'valid' || c2pa.state === 'trusted';
  const tampered = c2pa.state === 'invalid';
  // A registry match means this is a copy of one of our own labelled AI outputs.
  const ai = signals.some((s) => s.ai === true || s.source === 'registry');
  // Only a signed, intact claim can say "not AI": EXIF or unsigned XMP is trivially forged.
  const signedNotAi = signals.some((s) => s.ai === false && s.source === 'c2pa' && s.verified === true);
  const aiGenerated = ai ? true : signedNotAi ? false : null;
  const machineReadable = signals.some((s) => s.label === true);
  // Only our own or a trusted signer's claim of a burned-in warning counts (warning-trust.ts).
  const visibleWarning = verified && believedWarning(c2pa) ? true : null;
  return { aiGenerated, tampered, compliance: { machineReadable, visibleWarning, compliant: machineReadable && visibleWarning === true && !tampered } };
}

/** Exit-code meaning shared by the doors: provenance present but not shown intact. */
export function provenanceBroken(report: Pick<VerifyReport, 'tampered' | 'c2pa'>): boolean {
  return report.tampered || report.c2pa.state === 'invalid' || report.c2pa.state === 'unreadable';
}
