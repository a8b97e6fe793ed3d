/**
 * A clean copy of an incoming picture (source protection): the personal data verify lists
 * (GPS, serial numbers, owner names, device ids, maker notes, embedded previews, editing-history
 * paths, prompts) removed, the provenance layers that can be kept kept:
 *
 * - pixels: decoded and encoded again in the same format (JPEG at JPEG_QUALITY); nothing drawn;
 * - XMP: the editorial fields and the AI label (IPTC digital source type, AI system, TC260:AIGC);
 * - EXIF and IPTC-IIM: what a label keeps (picture structure, dates, exposure, caption, creator,
 *   rights); the ICC profile;
 * - C2PA: any byte change breaks a manifest's hard binding, so the original's manifest cannot stay
 *   valid in the copy. When the original had a readable one, the copy gets a new manifest signed by
 *   this service, with the original (its whole signed store) as parent ingredient and a
 *   c2pa.transcoded action; an unreadable or remote manifest is dropped, with a warning, and so is
 *   one that itself holds personal data (stds.exif GPS…): it would travel inside the parent.
 */
import { randomUUID } from 'node:crypto';
import { LabellerError } from '../domain/errors.js';
import { type PrivacyItem, uniqueItems } from '../domain/personal-data.js';
import { checkMetadataSize } from '../media/metadata-limits.js';
import { scrubPicture } from '../media/output-scrub.js';
import { probeImage } from '../media/probe.js';
import { reencode } from '../media/sharp.js';
import { IMAGE_EXT, IMAGE_MIME, sniff, unsupported } from '../media/sniff.js';
import { mayCarryManifest, readManifest, signAsset } from '../provenance/c2pa.js';
import { buildCleanManifest } from '../provenance/clean-manifest.js';
import { buildCleanXmp } from '../provenance/clean-xmp.js';
import type { EditorialFields } from '../provenance/xmp.js';
import { personalInStore } from '../signals/c2pa-privacy.js';
import { readEditorial, readMetadata } from '../signals/metadata.js';
import type { CoreContext } from './types.js';

export interface CleanResult {
  bytes: Buffer;
  mimeType: string;
  ext: string;
  /** What the original held and the copy does not (field names, never values). */
  removed: PrivacyItem[];
  /** none: the original had no manifest; re-signed: a new manifest with the original as parent; dropped: unreadable or remote. */
  manifest: 'none' | 're-signed' | 'dropped';
  warnings: string[];
}

export async function cleanCopy(input: Buffer, ctx: CoreContext, opts: { fileName?: string } = {}): Promise<CleanResult> {
  const kind = await sniff(input);
  if (kind.kind === 'text') throw new LabellerError('unsupported_type', 'a text carries no camera metadata to clean; only pictures have a clean copy');
  if (kind.kind !== 'image') throw unsupported(kind);
  const { format } = kind;
  checkMetadataSize(input, format);
  const probe = await probeImage(input, format, ctx.config.maxPixels);
  const mimeType = IMAGE_MIME[format];
  const [meta, editorial, upstream] = await Promise.all([
    readMetadata(input, format),
    probe.hasMetadata || format === 'png' ? readEditorial(input, format, probe.metadata) : ({} as EditorialFields),
    mayCarryManifest(input) ? readManifest(input, mimeType) : Promise.resolve({ kind: 'absent' as const }),
  ]);
  const iptc = meta.signals.find((s) => s.source === 'xmp-iptc');
  const ai = meta.signals.find((s) => s.source === 'xmp-iptc-ai');
  const tc260 = meta.signals.find((s) => s.source === 'tc260' && s.aigc);
  const digitalSourceType = typeof iptc?.value === 'string' ? iptc.value : undefined;
  const xmp = buildCleanXmp({
    editorial,
    digitalSourceType,
    aiSystem: typeof ai?.aiSystem === 'string' ? ai.aiSystem : undefined,
    aiSystemVersion: typeof ai?.aiSystemVersion === 'string' ? ai.aiSystemVersion : undefined,
    tc260: tc260?.aigc ? JSON.stringify(tc260.aigc) : undefined,
  });
  const encoded = await reencode(input, format, { xmp, quality: ctx.config.jpegQuality, maxPixels: ctx.config.maxPixels });
  const scrubbed = scrubPicture(encoded, format, {});
  const removed = uniqueItems([...meta.privacy, ...scrubbed.removed]);
  const warnings: string[] = [];
  // Personal data signed into the original's manifests would travel inside the parent ingredient, unchanged: then no manifest.
  const signedPersonal = upstream.kind === 'manifest' ? personalInStore(upstream.reader.json() as Record<string, unknown>) : [];
  if (signedPersonal.length) {
    warnings.push(
      `the original's C2PA manifest itself holds personal data (${signedPersonal.map((i) => i.field).join(', ')}), signed by its maker and not editable; the clean copy carries no manifest`,
    );
    return { bytes: scrubbed.bytes, mimeType, ext: IMAGE_EXT[format], removed: uniqueItems([...removed, ...signedPersonal]), manifest: 'dropped', warnings };
  }
  if (upstream.kind !== 'manifest') {
    if (upstream.kind !== 'absent') warnings.push('the original carried a C2PA manifest that cannot be read or was not fetched; the clean copy has none');
    return { bytes: scrubbed.bytes, mimeType, ext: IMAGE_EXT[format], removed, manifest: upstream.kind === 'absent' ? 'none' : 'dropped', warnings };
  }
  const title = opts.fileName ?? `clean.${IMAGE_EXT[format]}`;
  const signed = await signAsset({
    bytes: scrubbed.bytes,
    mimeType,
    signer: ctx.identity.signer,
    manifest: buildCleanManifest({
      title,
      format: mimeType,
      instanceId: `xmp:iid:${randomUUID()}`,
      digitalSourceType,
      removed: [...new Set(removed.map((r) => r.kind))],
    }),
    parent: { title: opts.fileName ?? `original.${IMAGE_EXT[format]}` },
    bytesBeforeEdit: input,
  });
  warnings.push(
    "the original's C2PA manifest is kept as the parent ingredient of a new manifest signed by this service; whatever that manifest itself holds (its thumbnail, its assertions) travels with it unchanged",
  );
  return { bytes: signed.bytes, mimeType, ext: IMAGE_EXT[format], removed, manifest: 're-signed', warnings };
}
