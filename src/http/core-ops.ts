/** Small helpers around the core's operations that only the HTTP door needs. */
import type { VerifyReport } from '../domain/report.js';

/** One word for metrics and logs: what the report says, most serious first. */
export function verdictOf(r: VerifyReport): string {
  if (r.tampered) return 'tampered';
  if (r.c2pa.state === 'valid' || r.c2pa.state === 'trusted') return r.compliance.compliant ? `${r.c2pa.state}-compliant` : r.c2pa.state;
  return r.c2pa.state;
}
