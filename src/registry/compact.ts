/**
 * The compact form of a verification made without an API key. Anyone may call the open verify
 * door, so what one such call adds to the record is bounded: the verdict, the hashes, the
 * format and which traces were found, never strings of the file's own choosing at full length.
 */
import type { VerifyReport } from '../domain/report.js';
import { canonicalJson } from './chain.js';

/** The actor name the REST door gives callers without a key. */
export const ANONYMOUS_ACTOR = 'anonymous';

/** Upper bound of the stored JSON of one anonymous verification (UTF-8 bytes). */
export const MAX_COMPACT_BYTES = 2048;

export function compactReport(report: VerifyReport): Record<string, unknown> {
  const signer = report.c2pa.signer;
  const full: Record<string, unknown> = {
    compact: true,
    kind: report.kind,
    format: clip(report.format, 16),
    mimeType: clip(report.mimeType, 64),
    sha256: report.sha256,
    bytes: report.bytes,
    aiGenerated: report.aiGenerated,
    tampered: report.tampered,
    compliance: report.compliance,
    c2pa: {
      state: report.c2pa.state,
      codes: [...new Set(report.c2pa.codes ?? [])].slice(0, 8).map((c) => clip(c, 64)),
      signer: signer ? clip(signer.organisation ?? signer.commonName, 80) : undefined,
    },
    sources: [...new Set(report.signals.map((s) => clip(String(s.source), 32)))].slice(0, 16),
    registryRecords: report.signals
      .filter((s) => s.source === 'registry' && typeof s.recordId === 'string')
      .slice(0, 2)
      .map((s) => clip(s.recordId as string, 40)),
    checkedAt: report.checkedAt,
  };
  if (Buffer.byteLength(canonicalJson(full)) <= MAX_COMPACT_BYTES) return full;
  // Multi-byte text can still exceed the bound: keep only what is ours, fixed-size.
  const { c2pa: _c2pa, sources: _sources, registryRecords: _records, ...minimal } = full;
  return { ...minimal, c2pa: { state: report.c2pa.state } };
}

export function clip(s: string | undefined, max: number): string | undefined {
  return s === undefined || s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
