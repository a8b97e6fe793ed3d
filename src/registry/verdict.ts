import type { VerifyReport } from '../domain/report.js';

export const VERDICTS = ['compliant', 'non-compliant', 'invalid', 'not-ai', 'unknown'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** One word per verification, for filtering the record; the full report stays in `data`. */
export function verdictOf(report: VerifyReport): Verdict {
  if (report.tampered || report.c2pa.state === 'invalid') return 'invalid';
  if (report.compliance.compliant) return 'compliant';
  if (report.aiGenerated === true) return 'non-compliant';
  if (report.aiGenerated === false) return 'not-ai';
  return 'unknown';
}
