/**
 * The verify operation: input bytes + policy → a report. Orchestration only: each trace is
 * read by its own detector in src/signals/, the verdict is combined in verdict.ts.
 */
import { LabellerError } from '../errors.js';
import { checkMetadataSize } from '../media/metadata-limits.js';
import { checkName } from '../media/name-check.js';
import { sniff, unsupported, type Sniffed } from '../media/sniff.js';
import { detectC2pa } from '../signals/c2pa.js';
import { detectIptc } from '../signals/iptc.js';
import { readMetadata } from '../signals/metadata.js';
import { detectPngText } from '../signals/png-text.js';
import { detectSoftware } from '../signals/software.js';
import { detectTc260 } from '../signals/tc260.js';
import { sha256 } from './record.js';
import type { Signal, VerifyPolicy, VerifyReport } from './report.js';
import type { Actor, CoreContext } from './types.js';
import { combine } from './verdict.js';
import { verifyText } from '../text/verify-text.js';
import { summarise } from './verify-summary.js';
import { untrustedWarningNote } from './warning-trust.js';

/** Formats we do not label but whose C2PA we still check (sniff calls them 'other'). */
const C2PA_ONLY: Record<string, string> = { 'image/gif': 'gif', 'image/svg+xml': 'svg', 'image/heic': 'heif', 'image/heif': 'heif' };

export async function verify(input: Buffer, policy: VerifyPolicy, ctx: CoreContext, actor: Actor = { actor: 'cli', door: 'cli' }): Promise<VerifyReport> {
  const kind = await sniff(input);
  checkName(policy.fileName, kind);
  if (kind.kind === 'text') return verifyTextInput(input, policy, ctx, actor);
  const media = imageOf(kind);
  if (!media) throw unsupported(kind);
  // Before any reader inflates it: a report built from half the metadata would not be evidence.
  checkMetadataSize(input, media.format);
  const check = {
    trustAnchorsPem: joinPem(ctx.trustAnchorsPem, policy.trustAnchorsPem),
    remoteManifestHosts: [...ctx.config.remoteManifestHosts, ...(policy.remoteManifestHosts ?? [])],
    ownCertPem: ctx.identity.certPem,
  };
  // The detectors are independent: C2PA validation (native threads) overlaps the header read.
  const [found, meta, traced] = await Promise.all([
    detectC2pa(input, media.mimeType, check),
    readMetadata(input, media.format),
    ctx.records ? ctx.records.traceCopy(input, 'image') : Promise.resolve([] as Signal[]),
  ]);
  // A picture whose header cannot be read (a truncated TIFF's IFD) is refused as damaged, as labelling does.
  if (meta.headerError && kind.kind === 'image') throw new LabellerError('corrupt_input', `the ${media.format.toUpperCase()} file cannot be read (${meta.headerError})`);
  const signals: Signal[] = [
    ...found.signals,
    ...detectIptc(meta.xmp),
    ...detectTc260(meta.xmp, meta.pngText),
    ...detectSoftware(meta.exif, meta.xmp),
    ...detectPngText(meta.pngText, meta.exif.userComment),
    ...traced,
  ];
  const verdict = combine(found.c2pa, signals);
  const report: VerifyReport = {
    kind: 'image',
    format: media.format,
    mimeType: media.mimeType,
    sha256: sha256(input),
    bytes: input.length,
    ...verdict,
    c2pa: found.c2pa,
    signals,
    summary: summarise(found.c2pa, signals, verdict),
    checkedAt: new Date().toISOString(),
  };
  if (ctx.records) report.recordId = await ctx.records.recordVerify(report, actor, input);
  return report;
}

async function verifyTextInput(input: Buffer, policy: VerifyPolicy, ctx: CoreContext, actor: Actor): Promise<VerifyReport> {
  const [report, traced] = await Promise.all([
    verifyText(input, policy, ctx, policy.textFormat),
    ctx.records ? ctx.records.traceCopy(input, 'text') : Promise.resolve([] as Signal[]),
  ]);
  const note = untrustedWarningNote(report.c2pa);
  if (note) for (const l of ['kk', 'ru', 'en'] as const) report.summary[l] += ` ${note[l]}`;
  if (traced.length) {
    // A copy of one of our labelled texts that lost its manifest: the record proves it is AI-made.
    report.signals.push(...traced);
    if (report.aiGenerated !== true) report.aiGenerated = true;
  }
  if (ctx.records) report.recordId = await ctx.records.recordVerify(report, actor, input);
  return report;
}

function imageOf(kind: Sniffed): { format: string; mimeType: string } | undefined {
  if (kind.kind === 'image') return { format: kind.format, mimeType: kind.mimeType };
  const format = C2PA_ONLY[kind.mimeType];
  return format ? { format, mimeType: kind.mimeType } : undefined;
}

/** Anchors from configuration and from the call are one PEM bundle. */
function joinPem(...pems: (string | undefined)[]): string | undefined {
  const parts = pems.filter((p): p is string => !!p && p.trim().length > 0).map((p) => p.trim());
  return parts.length ? parts.join('\n') + '\n' : undefined;
}
