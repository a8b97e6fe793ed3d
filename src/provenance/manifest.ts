/**
 * The C2PA manifest definition for a labelled asset: actions with the digitalSourceType,
 * the AI system as softwareAgent, and our own assertion recording the visible warning.
 */
import { DST_BASE, type SourceType } from './xmp.js';
import { softBindingAssertion } from '../domain/iscc/index.js';
import { watermarkSoftBinding, watermarkedAction, type WatermarkNote } from '../domain/watermark.js';

/** Our assertion label (reverse-domain, as C2PA asks of non-standard assertions). */
export const MARK_ASSERTION = 'kz.labeller.visible-warning';
import { TOOL as TOOL_INFO } from '../domain/tool.js';
import { REVIEW_ASSERTION, type ReviewStamp } from '../domain/review.js';

export { TOOL_INFO };

export interface ManifestInput {
  title: string;
  format: string;
  instanceId: string;
  sourceType: SourceType;
  aiSystem?: string;
  aiSystemVersion?: string;
  hasParent: boolean;
  organisation: string;
  mark: Record<string, unknown>;
  /** An editor approved the file for release: our review assertion + a c2pa.published action (reviewAction). */
  review?: ReviewStamp;
  /** ISCC Content-Code of the labelled output: the c2pa.soft-binding assertion (alg io.iscc.v0). */
  iscc?: string;
  /** The invisible watermark embedded: a c2pa.watermarked action and a second c2pa.soft-binding (our alg). */
  watermark?: WatermarkNote;
  /** A profile's own assertions (src/core/profile-mark.ts): the TC260 implicit label, the California latent disclosure. */
  profileAssertions?: { label: string; data: Record<string, unknown> }[];
  /** The prompt and its writer, only when the caller asked (--embed-prompt): our PROMPT_ASSERTION. */
  prompt?: { text: string; writer?: string };
}

/** The prompt, in IPTC's words, when the caller chose to publish it (prompts may name people). */
export const PROMPT_ASSERTION = 'kz.labeller.ai-prompt';

/** GB 45438 implicit label, signed (texts have no XMP to carry TC260:AIGC). */
export const TC260_ASSERTION = 'kz.labeller.tc260-aigc';
/** California AI Transparency Act latent disclosure. */
export const LATENT_ASSERTION = 'kz.labeller.latent-disclosure';

export function buildManifest(m: ManifestInput): Record<string, unknown> {
  const dst = DST_BASE + m.sourceType;
  const generator = m.aiSystem ? { name: m.aiSystem, ...(m.aiSystemVersion ? { version: m.aiSystemVersion } : {}) } : undefined;
  const labeller = { name: TOOL_INFO.name, version: TOOL_INFO.version };
  const actions = m.hasParent
    ? [
        { action: 'c2pa.opened', parameters: { ingredientIds: ['parent'] } },
        // The AI source type is repeated on the edit so that readers which look only at the
        // active manifest (platform "AI info" labels) still see it.
        {
          action: 'c2pa.edited',
          digitalSourceType: dst,
          softwareAgent: labeller,
          description: 'Visible AI-disclosure warning added',
          ...(generator ? { parameters: { aiSystem: generator } } : {}),
        },
      ]
    : [
        { action: 'c2pa.created', digitalSourceType: dst, ...(generator ? { softwareAgent: generator } : {}) },
        { action: 'c2pa.edited', softwareAgent: labeller, description: 'Visible AI-disclosure warning added' },
      ];
  return {
    claim_generator_info: [TOOL_INFO],
    title: m.title,
    format: m.format,
    instance_id: m.instanceId,
    assertions: [
      {
        label: 'c2pa.actions',
        data: { actions: [...actions, ...(m.watermark ? [watermarkedAction(labeller)] : []), ...(m.review ? [reviewAction(m.review, labeller)] : [])] },
      },
      { label: MARK_ASSERTION, data: { ...m.mark, signer: m.organisation } },
      ...(m.review ? [{ label: REVIEW_ASSERTION, data: { ...m.review, organisation: m.organisation } }] : []),
      ...(m.iscc ? [softBindingAssertion(m.iscc)] : []),
      ...(m.watermark ? [watermarkSoftBinding(m.watermark)] : []),
      ...(m.profileAssertions ?? []),
      ...promptAssertion(m.prompt),
    ],
  };
}

/** The prompt in IPTC's words, only when the caller chose to publish it. */
function promptAssertion(p: ManifestInput['prompt']): { label: string; data: Record<string, unknown> }[] {
  if (!p) return [];
  return [{ label: PROMPT_ASSERTION, data: { AIPromptInformation: p.text, ...(p.writer ? { AIPromptWriterName: p.writer } : {}) } }];
}

/**
 * C2PA 2.x has no "reviewed" action, and removed the `actors` field of actions in 2.0 (people
 * are named by identity assertions). The closest standard action is c2pa.published, "released
 * to a wider audience": the editor's approval is that release. The reviewer goes into the
 * action's free parameters and, in full, into our own kz.labeller.review assertion.
 */
function reviewAction(r: ReviewStamp, labeller: { name: string; version: string }): Record<string, unknown> {
  return {
    action: 'c2pa.published',
    when: r.at,
    softwareAgent: labeller,
    description: 'Reviewed and approved for publication by an editor',
    parameters: { 'kz.labeller.reviewer': { identifier: r.reviewer, ...(r.reviewerName ? { name: r.reviewerName } : {}), role: r.role } },
  };
}
