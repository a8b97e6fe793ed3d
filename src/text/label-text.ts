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
import type { SourceType } from '../provenance/xmp.js';
import { commonRecord } from '../core/record.js';
import { decodeText, type DecodedText } from './encoding.js';
import { detectTextFormat, TEXT_MIME } from './format.js';
import { cutCarriers, findCarriers } from './carriers.js';
import { textLanguages, textWording, buildTextManifest } from './text-manifest.js';
import { planHtml, planMarkdown, planPlain, planPlainBytes, stripPreviousLabel, type TextPlan } from './plans.js';
import { plainUtf8, type PlainUtf8 } from './plain-utf8.js';
import { signTextStore } from './manifest-store.js';

export async function labelText(input: Buffer, options: LabelOptions, ctx: CoreContext): Promise<LabelResult> {
  const started = performance.now();
  if (input.length === 0) throw new LabellerError('empty_input', 'the file is empty (0 bytes)');
  // Plain UTF-8 stays bytes (plain-utf8.ts); other encodings and formats are decoded.
  const source: PlainUtf8 | DecodedText = plainUtf8(input, options.textFormat) ?? decodeText(input);
  const decoded = 'text' in source ? source : undefined;
  const format: TextFormat = decoded ? detectTextFormat(decoded.text, options.textFormat) : 'txt';
  const placement = options.placement ?? 'start';
  if (placement !== 'start' && placement !== 'end') {
    throw new LabellerError('bad_option', `placement "${placement}" is for images; texts take start or end`);
  }
  const languages = textLanguages(options, ctx);
  const wording = textWording(languages, options.wording);
  const sourceType = options.sourceType ?? 'trainedAlgorithmicMedia';
  const warnings: string[] = [];
  if (decoded && decoded.encoding !== 'utf-8') warnings.push(`the text was converted from ${decoded.encoding} to UTF-8`);

  let plan: TextPlan;
  if ('body' in source) {
    if (source.carriers) warnings.push(replacedWarning(source.carriers));
    plan = planPlainBytes(source.body, wording, placement, source.carriers > 0);
  } else {
    plan = planDecoded(source, format, wording, placement, sourceType, warnings);
  }
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
  // The output's hash continues from the hash of `before` the binding needs anyway.
  const outputHash = createHash('sha256').update(plan.before);
  const signed = await signTextStore(plan.kind, manifest, plan, ctx.identity.signer, outputHash);
  const carrier = plan.carrier(signed.store, signed.carrierLength);
  const bytes = Buffer.concat([plan.before, carrier, plan.after]);
  const outputSha256 = outputHash.update(carrier).update(plan.after).digest('hex');

  return {
    bytes,
    mimeType,
    ext: format,
    record: {
      kind: 'text',
      format,
      mimeType,
      ...commonRecord({ input, output: bytes, outputSha256, options, ctx, languages, wording, placement, sourceType, instanceId, manifestLabel: signed.manifestLabel, parentManifestKept: false, warnings, started }),
    },
  };
}

/** The general path: any encoding and format, on the decoded string. */
function planDecoded(decoded: DecodedText, format: TextFormat, wording: Record<string, string>, placement: 'start' | 'end', sourceType: SourceType, warnings: string[]): TextPlan {
  // Old carriers go first (a relabel replaces them); NFC after, as the binding expects.
  const carriers = findCarriers(decoded.text);
  if (carriers.length) warnings.push(replacedWarning(carriers.length));
  const withoutOurs = stripPreviousLabel(format, decoded.text);
  const text = cutCarriers(withoutOurs, findCarriers(withoutOurs)).normalize('NFC');
  const labelled = carriers.length > 0;
  return format === 'txt'
    ? planPlain(text, wording, placement, labelled)
    : format === 'md'
      ? planMarkdown(text, wording, placement, labelled, sourceType)
      : planHtml(text, wording, placement, sourceType, { converted: decoded.encoding !== 'utf-8' });
}

function replacedWarning(n: number): string {
  return `the text already carried ${n === 1 ? 'a C2PA manifest' : `${n} C2PA manifests`}; replaced by the new label`;
}
