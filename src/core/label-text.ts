/**
 * Labels a text: visible notice first, then a signed C2PA manifest store in the carrier the
 * format calls for (A.8 wrapper for plain text, A.9 block in Markdown front matter, A.7
 * script in the HTML head). A previous label's notice and manifest are replaced, never
 * stacked. Output is UTF-8 without BOM, NFC-normalised so every reader hashes the same bytes.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { LabelOptions } from './options.js';
import type { CoreContext, LabelResult } from './types.js';
import type { ReviewStamp } from '../domain/review.js';
import { LabellerError } from '../domain/errors.js';
import { commonRecord, embeddedPrompt } from './record.js';
import { latentOf, profileAssertions, profileMark, profileNote } from './profile-mark.js';
import { aigcOf } from '../provenance/xmp.js';
import { TEXT_MIME } from '../text/format.js';
import { flatWording, buildTextManifest } from '../text/text-manifest.js';
import { carrierPlan, type TextPlan } from '../text/plans.js';
import { runTextTask } from '../text/worker/pool.js';
import { asBuffer } from '../text/worker/tasks.js';
import { signTextStore } from '../text/manifest-store.js';

export async function labelText(input: Buffer, options: LabelOptions & { approval?: ReviewStamp }, ctx: CoreContext): Promise<LabelResult> {
  const started = performance.now();
  if (input.length === 0) throw new LabellerError('empty_input', 'the file is empty (0 bytes)');
  const placement = options.placement ?? 'start';
  if (placement !== 'start' && placement !== 'end') {
    throw new LabellerError('bad_option', `placement "${placement}" is for images; texts take start or end`);
  }
  const sourceType = options.sourceType ?? 'trainedAlgorithmicMedia';
  const { profile, languages, mark } = profileMark(options, sourceType, ctx);
  const wording = flatWording(mark.wording);
  // Decoding, format, old label removal and the output around the carrier: off the event loop.
  const prepared = await runTextTask('label', input, { textFormat: options.textFormat, wording, placement, sourceType });
  const { format, warnings } = prepared;
  const plan: TextPlan = carrierPlan(prepared.kind, asBuffer(prepared.before), asBuffer(prepared.after), prepared.noticeDescription, []);

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
    mark: { wording, languages, placement, format, carrier: plan.kind, element: plan.noticeDescription, ...profileNote(profile, mark) },
    iscc: prepared.iscc,
    review: options.approval,
    prompt: embeddedPrompt(options),
    profileAssertions: profileAssertions(
      profile,
      aigcOf({ organisation: ctx.identity.organisation, instanceId, propagator: options.propagator }),
      latentOf(profile, options, ctx, instanceId),
    ),
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
      iscc: prepared.iscc,
      profile: profile.id,
      ...commonRecord({
        input,
        output: bytes,
        outputSha256,
        options,
        ctx,
        languages,
        wording,
        placement,
        sourceType,
        instanceId,
        manifestLabel: signed.manifestLabel,
        parentManifestKept: false,
        warnings,
        started,
      }),
    },
  };
}
