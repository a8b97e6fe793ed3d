/**
 * The verify operation: input bytes + policy → a report. Orchestration only, one pipeline for
 * every kind of file: the carrier of the file's kind reads its provenance ({ c2pa, signals }),
 * the record traces copies of our own outputs, then one verdict (verdict.ts) and one summary
 * (verify-summary.ts) are made from everything found.
 */
import { checkMetadataSize } from '../media/metadata-limits.js';
import { checkName } from '../media/name-check.js';
import { sniff, unsupported, type Sniffed } from '../media/sniff.js';
import type { C2paCheck } from '../signals/c2pa.js';
import { readImageProvenance } from '../signals/image.js';
import { readTextProvenance } from '../text/read-provenance.js';
import { sha256 } from './record.js';
import type { C2paSummary, OcrInfo, Signal, VerifyPolicy, VerifyReport } from '../domain/report.js';
import { type Actor, LIBRARY_CALLER } from '../domain/record.js';
import type { CoreContext } from './types.js';
import type { PrivacyItem } from '../domain/personal-data.js';
import { combine } from './verdict.js';
import { detectWatermarkSignal } from '../signals/watermark.js';
import { resolveWatermark } from './watermark.js';
import { summarise } from './verify-summary.js';
import { judgeProfiles } from './profile-evidence.js';

/** Formats we do not label but whose C2PA we still check (sniff calls them 'other'). */
const C2PA_ONLY: Record<string, string> = { 'image/gif': 'gif', 'image/svg+xml': 'svg', 'image/heic': 'heif', 'image/heif': 'heif' };

interface Read {
  kind: 'image' | 'text';
  format: string;
  mimeType: string;
  c2pa: C2paSummary;
  signals: Signal[];
  visibleLayerRead: boolean;
  /** Images: personal data in the metadata. */
  privacy?: PrivacyItem[];
  /** Images: how the pixels were read for the visible warning. */
  ocr?: OcrInfo;
}

export async function verify(input: Buffer, policy: VerifyPolicy, ctx: CoreContext, actor: Actor = LIBRARY_CALLER): Promise<VerifyReport> {
  const sniffed = await sniff(input);
  checkName(policy.fileName, sniffed);
  const check = c2paCheck(ctx, policy);
  const [read, traced, marked] = await Promise.all([
    readProvenance(input, sniffed, policy, check, ctx.config.maxPixels),
    ctx.records ? ctx.records.traceCopy(input, sniffed.kind === 'text' ? 'text' : 'image') : Promise.resolve([] as Signal[]),
    sniffed.kind === 'image' ? detectWatermarkSignal(input, ctx.watermarkKey, ctx.config.maxPixels) : Promise.resolve([] as Signal[]),
  ]);
  await resolveWatermark(marked, ctx);
  const signals = [...read.signals, ...traced, ...marked];
  const verdict = combine(read.c2pa, signals, read.visibleLayerRead);
  // The review the manifest records is reported on its own; the summary still reads it from the c2pa findings.
  const { review, ...c2pa } = read.c2pa;
  const report: VerifyReport = {
    ...(policy.fileName !== undefined ? { file: policy.fileName } : {}),
    kind: read.kind,
    format: read.format,
    mimeType: read.mimeType,
    sha256: sha256(input),
    bytes: input.length,
    ...verdict,
    profiles: judgeProfiles(read.kind, verdict, read.c2pa, signals),
    privacy: read.privacy ?? [],
    c2pa,
    ...(review ? { review } : {}),
    signals,
    summary: summarise(read.c2pa, signals, verdict, read.ocr),
    ...(read.ocr ? { ocr: read.ocr } : {}),
    checkedAt: new Date().toISOString(),
  };
  if (ctx.records) report.recordId = await ctx.records.recordVerify(report, actor, input);
  return report;
}

/** The carrier of the file's kind reads what provenance it holds. */
async function readProvenance(input: Buffer, sniffed: Sniffed, policy: VerifyPolicy, check: C2paCheck, maxPixels: number): Promise<Read> {
  if (sniffed.kind === 'text') return { kind: 'text', ...(await readTextProvenance(input, policy.textFormat, check)) };
  const media = imageOf(sniffed);
  if (!media) throw unsupported(sniffed);
  // Before any reader inflates it: a report built from half the metadata would not be evidence.
  checkMetadataSize(input, media.format);
  return {
    kind: 'image',
    format: media.format,
    mimeType: media.mimeType,
    ...(await readImageProvenance(input, media, check, { ocr: policy.ocr !== false, maxPixels })),
  };
}

function imageOf(kind: Sniffed): { format: string; mimeType: string; labelable: boolean } | undefined {
  if (kind.kind === 'image') return { format: kind.format, mimeType: kind.mimeType, labelable: true };
  const format = C2PA_ONLY[kind.mimeType];
  return format ? { format, mimeType: kind.mimeType, labelable: false } : undefined;
}

/** One trust policy for every door: TRUST_ANCHORS, or the anchors a call brings instead (CLI --trust-anchors). */
function c2paCheck(ctx: CoreContext, policy: VerifyPolicy): C2paCheck {
  const anchors = policy.trustAnchorsPem?.trim() ? policy.trustAnchorsPem : ctx.trustAnchorsPem;
  return {
    trustAnchorsPem: anchors?.trim() ? anchors : undefined,
    remoteManifestHosts: [...ctx.config.remoteManifestHosts, ...(policy.remoteManifestHosts ?? [])],
    ownCertPem: ctx.identity.certPem,
  };
}
