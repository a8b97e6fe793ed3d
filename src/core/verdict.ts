/**
 * Combines what the carriers found into the verdict an editor acts on: is it AI-made, is its
 * provenance broken, does it carry both layers Art. 21(2) asks for. One rule for every kind
 * of file; the rows of test/verdict-rules.test.ts are its specification.
 */
import type { C2paSummary, Signal, VerifyReport } from '../domain/report.js';
import { believedWarning } from '../domain/warning-trust.js';

export type Verdict = Pick<VerifyReport, 'aiGenerated' | 'tampered' | 'compliance'>;

/**
 * `visibleLayerRead`: the carrier read what a person sees (a text's words; an image's pixels
 * once they are read), so a warning it did not find is absent, not unknown.
 */
export function combine(c2pa: C2paSummary, signals: Signal[], visibleLayerRead: boolean): Verdict {
  const intact = c2pa.state === 'valid' || c2pa.state === 'trusted';
  const tampered = c2pa.state === 'invalid';
  // A registry match means this is a copy of one of our own labelled AI outputs.
  const ai = signals.some((s) => s.ai === true || s.source === 'registry');
  // Only a signed, intact claim can say "not AI": EXIF, XMP, front matter or a meta tag are trivially forged.
  const signedNotAi = signals.some((s) => s.ai === false && s.verified === true);
  const aiGenerated = ai ? true : signedNotAi ? false : null;
  const machineReadable = signals.some((s) => s.label === true);
  const seen = signals.some((s) => s.visible === true);
  // Unread, the visible layer is known only from our own or a trusted signer's claim (warning-trust.ts).
  const visibleWarning = visibleLayerRead ? seen : seen || (intact && believedWarning(c2pa)) ? true : null;
  return { aiGenerated, tampered, compliance: { machineReadable, visibleWarning, compliant: machineReadable && visibleWarning === true && !tampered } };
}

/** Exit-code meaning shared by the doors: provenance present but not shown intact. */
export function provenanceBroken(report: Pick<VerifyReport, 'tampered' | 'c2pa'>): boolean {
  return report.tampered || report.c2pa.state === 'invalid' || report.c2pa.state === 'unreadable';
}
