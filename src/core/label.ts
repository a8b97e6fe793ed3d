/**
 * The label operation: input bytes + options → labelled bytes + a record of what was done.
 * Images: visible mark → XMP/IPTC → C2PA signature, last (any later byte change would break
 * the manifest's hard binding).
 */
import { randomUUID } from 'node:crypto';
import { LabellerError } from '../domain/errors.js';
import { labelPixels } from '../label/image.js';
import { planMark, type Placement } from '../label/image-mark.js';
import { checkMetadataSize } from '../media/metadata-limits.js';
import { checkName } from '../media/name-check.js';
import { imageIsccOfGrey } from '../media/iscc-image.js';
import { probeImage } from '../media/probe.js';
import { IMAGE_EXT, IMAGE_MIME, sniff, unsupported, type ImageFormat } from '../media/sniff.js';
import { mayCarryManifest, readManifest, signAsset, type ReadOutcome } from '../provenance/c2pa.js';
import { aigcOf, buildXmp, type EditorialFields } from '../provenance/xmp.js';
import { readEditorial } from '../signals/metadata.js';
import { TOOL } from '../domain/tool.js';
import { buildManifest } from '../provenance/manifest.js';
import { watermarkFor, watermarkNote } from './watermark.js';
import { commonRecord, embeddedPrompt, keepOf, promptOf } from './record.js';
import { latentOf, lookOf, profileAssertions, profileMark, profileNote, profileWarnings } from './profile-mark.js';
import type { LabelOptions } from './options.js';
import { type Actor, LIBRARY_CALLER, type LabelResult } from '../domain/record.js';
import type { CoreContext } from './types.js';
import type { ReviewStamp } from '../domain/review.js';

export { TOOL } from '../domain/tool.js';

/** The names a door knows: the input's (upload, path, watched file) and, for the CLI, the output's. */
export interface DoorNames {
  fileName?: string;
  outputName?: string;
  /** Set by the review core only: the editor's approval, signed into the manifest. Never from a request. */
  approval?: ReviewStamp;
}

export async function label(input: Buffer, options: LabelOptions & DoorNames, ctx: CoreContext, actor: Actor = LIBRARY_CALLER): Promise<LabelResult> {
  const kind = await sniff(input);
  if (kind.kind === 'other') throw unsupported(kind);
  // Text named .jpg (or an image named .txt) is refused before any work; so is an output name that would lie.
  const nameWarnings = [checkName(options.fileName, kind), checkName(options.outputName, kind, 'output name')].filter((w): w is string => !!w);
  // Before sharp or ExifTool read a header: they inflate every text chunk (PNG zTXt bombs).
  if (kind.kind === 'image') checkMetadataSize(input, kind.format);
  // The text pipeline (encodings, carriers, its worker pool) is loaded by the first text only.
  const result =
    kind.kind === 'image' ? await labelImage(input, kind.format, options, ctx) : await (await import('./label-text.js')).labelText(input, options, ctx);
  result.record.warnings.unshift(...nameWarnings, ...profileWarnings(options, ctx));
  if (options.fileName) result.record.fileName = options.fileName;
  if (ctx.records) result.record.id = await ctx.records.recordLabel(result.record, actor, result.bytes, result.grey, promptOf(options));
  return result;
}

export { sha256 } from './record.js';

async function labelImage(input: Buffer, format: ImageFormat, options: LabelOptions & DoorNames, ctx: CoreContext): Promise<LabelResult> {
  const started = performance.now();
  const { config, identity } = ctx;
  const probe = await probeImage(input, format, config.maxPixels);
  const mimeType = IMAGE_MIME[format];
  const sourceType = options.sourceType ?? 'trainedAlgorithmicMedia';
  const { profile, languages, mark } = profileMark(options, sourceType, ctx);
  const wording = mark.wording;
  const placement = (options.placement ?? 'corner') as Placement;
  if (placement === ('start' as string) || placement === ('end' as string)) {
    throw new LabellerError('bad_option', `placement "${placement}" is for texts; images take corner, band or a corner-*/band-* position`);
  }
  const instanceId = `xmp:iid:${randomUUID()}`;
  const warnings: string[] = [];

  // The input's own provenance is only needed at signing: its read overlaps the pixel work.
  const upstreamRead: Promise<ReadOutcome> = mayCarryManifest(input) ? readManifest(input, mimeType) : Promise.resolve({ kind: 'absent' });
  const [editorial, plan] = await Promise.all([
    // Generators often write no metadata at all: then there is no caption or credit to keep. A PNG may keep them in text chunks.
    probe.hasMetadata || format === 'png' ? readEditorial(input, format, probe.metadata) : ({} as EditorialFields),
    planMark(probe.width, probe.height, Object.values(wording), mark.shortMark, placement, lookOf(mark)),
  ]);
  if (plan.mode !== 'words')
    warnings.push(
      `the image is too small for the full wording; the short mark "${plan.lines[0]}" was used${plan.mode === 'extended-canvas' ? ' on a band added to the canvas' : ''}`,
    );

  const disclosure = Object.values(wording).join(' / ');
  const latent = latentOf(profile, options, ctx, instanceId);
  const xmp = buildXmp({
    sourceType,
    aiSystem: options.aiSystem,
    aiSystemVersion: options.aiSystemVersion,
    // Prompts may name people: in the file only when asked; the record always keeps them (privately).
    prompt: options.embedPrompt ? options.prompt : undefined,
    promptWriter: options.embedPrompt ? options.promptWriter : undefined,
    disclosure,
    organisation: identity.organisation,
    instanceId,
    editorial,
    creatorTool: `${TOOL.name} ${TOOL.version}`,
    propagator: options.propagator,
    latent,
  });
  // The labelled picture and its small copy (the manifest's thumbnail, the record's fingerprint pixels).
  // The invisible watermark goes in after the visible warning, before XMP and the signature: its mark id is drawn now.
  const watermark = await watermarkFor(ctx);
  const [{ bytes: pixels, preview, removed, watermarked }, upstream] = await Promise.all([
    labelPixels(input, plan, probe, { xmp, quality: options.quality ?? config.jpegQuality, maxPixels: config.maxPixels, keep: keepOf(options), watermark }),
    upstreamRead,
  ]);
  if (upstream.kind === 'unreadable')
    warnings.push(`the input carried a C2PA manifest that cannot be read (${upstream.message.slice(0, 120)}); it is not kept`);
  if (upstream.kind === 'remote') warnings.push(`the input refers to a remote manifest at ${upstream.url}; it was not fetched and is not kept`);
  const wm = watermarkNote(watermark, watermarked);
  const hasParent = upstream.kind === 'manifest';
  // The soft binding describes the labelled pixels: from the small labelled copy, before the output is signed.
  const iscc = await imageIsccOfGrey(preview.grey);
  const manifest = buildManifest({
    title: options.title ?? `labelled.${IMAGE_EXT[format]}`,
    format: mimeType,
    instanceId,
    sourceType,
    aiSystem: options.aiSystem,
    aiSystemVersion: options.aiSystemVersion,
    hasParent,
    organisation: identity.organisation,
    mark: { wording, languages, placement, region: plan.region, mode: plan.mode, fontPx: plan.fontPx, canvas: plan.canvas, ...profileNote(profile, mark) },
    review: options.approval,
    iscc,
    watermark: wm,
    prompt: embeddedPrompt(options),
    profileAssertions: profileAssertions(
      profile,
      aigcOf({ organisation: identity.organisation, instanceId, propagator: options.propagator, upstream: editorial.aigc }),
      latent,
    ),
  });
  const signed = await signAsset({
    bytes: pixels,
    mimeType,
    signer: identity.signer,
    manifest,
    thumbnail: { bytes: preview.jpeg, mimeType: 'image/jpeg' },
    parent: hasParent ? { title: options.title ?? `original.${IMAGE_EXT[format]}` } : undefined,
    bytesBeforeEdit: hasParent ? input : undefined,
  });

  const short = Math.min(probe.width, probe.height);
  return {
    bytes: signed.bytes,
    mimeType,
    ext: IMAGE_EXT[format],
    grey: preview.grey,
    record: {
      kind: 'image',
      format,
      mimeType,
      width: plan.canvas.width,
      height: plan.canvas.height,
      mark: { mode: plan.mode, region: plan.region, fontPx: plan.fontPx, capHeightPx: plan.capHeightPx, textHeightShare: round3(plan.capHeightPx / short) },
      iscc,
      profile: profile.id,
      privacy: { removed },
      ...(wm ? { watermark: wm } : {}),
      ...commonRecord({
        input,
        output: signed.bytes,
        options,
        ctx,
        languages,
        wording,
        placement,
        sourceType,
        instanceId,
        manifestLabel: signed.manifestLabel,
        parentManifestKept: hasParent,
        warnings,
        started,
      }),
    },
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
