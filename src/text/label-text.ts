/**
 * Labels a text: visible notice first, then a signed C2PA manifest store in the carrier the
 * format calls for (A.8 wrapper for plain text, A.9 block in Markdown front matter, A.7
 * script in the HTML head). A previous label's notice and manifest are replaced, never
 * stacked. Output is UTF-8 without BOM, NFC-normalised so every reader hashes the same bytes.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { LabelOptions } from '../core/options.js';
import type { CoreContext, LabelResult } from '../core/types.js';
import { LabellerError } from '../errors.js';
import type { TextFormat } from '../media/sniff.js';
import { DST_BASE } from '../provenance/xmp.js';
import { decodeText } from './encoding.js';
import { detectTextFormat, TEXT_MIME } from './format.js';
import { cutCarriers, findCarriers } from './carriers.js';
import { textLanguages, textWording, buildTextManifest } from './text-manifest.js';
import { planHtml, planMarkdown, planPlain, stripPreviousLabel, type TextPlan } from './plans.js';
import { signTextStore } from './manifest-store.js';

export async function labelText(input: Buffer, options: LabelOptions, ctx: CoreContext): Promise<LabelResult> {
  const started = performance.now();
  if (input.length === 0) throw new LabellerError('empty_input', 'the file is empty (0 bytes)');
  const decoded = decodeText(input);
  const format: TextFormat = detectTextFormat(decoded.text, options.textFormat);
  const placement = options.placement ?? 'start';
  if (placement !== 'start' && placement !== 'end') {
    throw new LabellerError('bad_option', `placement "${placement}" is for images; texts take start or end`);
  }
  const languages = textLanguages(options, ctx);
  const wording = textWording(languages, options.wording);
  const sourceType = options.sourceType ?? 'trainedAlgorithmicMedia';
  const warnings: string[] = [];
  if (decoded.encoding !== 'utf-8') warnings.push(`the text was converted from ${decoded.encoding} to UTF-8`);

  // Old carriers go first (a relabel replaces them); NFC after, as the binding expects.
  const carriers = findCarriers(decoded.text);
  if (carriers.length) warnings.push(`the text already carried ${carriers.length === 1 ? 'a C2PA manifest' : `${carriers.length} C2PA manifests`}; replaced by the new label`);
  const withoutOurs = stripPreviousLabel(format, decoded.text);
  const text = cutCarriers(withoutOurs, findCarriers(withoutOurs)).normalize('NFC');
  const labelled = carriers.length > 0;

  const plan: TextPlan =
    format === 'txt'
      ? planPlain(text, wording, placement, labelled)
      : format === 'md'
        ? planMarkdown(text, wording, placement, labelled, sourceType)
        : planHtml(text, wording, placement, sourceType, { converted: decoded.encoding !== 'utf-8' });
  warnings.push(...plan.warnings);

  const mimeType = TEXT_MIME[format];
  const instanceId = `xmp:iid:${randomUUID()}`;
  const manifest = buildTextManifest({
    title: options.title ?? `labelled.${format}`,
    mimeType,
    instanceId,
    sourceType,
    aiSystem: options.aiSystem,
    aiSystemVersion: options.aiSystemVersion,
    organisation: ctx.identity.organisation,
    mark: { wording, languages, placement, format, carrier: plan.kind, element: plan.noticeDescription },
  });
  const signed = await signTextStore(plan.kind, manifest, plan, ctx.identity.signer);
  const bytes = Buffer.concat([plan.before, plan.carrier(signed.store, signed.carrierLength), plan.after]);

  return {
    bytes,
    mimeType,
    ext: format,
    record: {
      kind: 'text',
      format,
      mimeType,
      inputSha256: sha256(input),
      outputSha256: sha256(bytes),
      inputBytes: input.length,
      outputBytes: bytes.length,
      languages,
      wording,
      placement,
      sourceType,
      digitalSourceType: DST_BASE + sourceType,
      aiSystem: options.aiSystem,
      aiSystemVersion: options.aiSystemVersion,
      manifestLabel: signed.manifestLabel,
      instanceId,
      parentManifestKept: false,
      signer: { organisation: ctx.identity.organisation, development: ctx.identity.development },
      warnings,
      createdAt: new Date().toISOString(),
      durationMs: Math.round(performance.now() - started),
    },
  };
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}
