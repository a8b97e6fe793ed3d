/**
 * The manifest definition for a text: the same actions and visible-warning assertion as
 * for images (provenance/manifest.ts), with the text's MIME type. The hard binding is added at
 * signing time (manifest-store.ts), once the carrier's place is known.
 */
import { buildManifest, type ManifestInput } from '../provenance/manifest.js';
import { wordingFor, type Lang } from '../domain/wording.js';
import type { SourceType } from '../provenance/xmp.js';
import type { ReviewStamp } from '../domain/review.js';

/** Wording per language; line breaks are flattened so the notice stays one line. */
export function textWording(languages: Lang[], custom?: Partial<Record<Lang, string>>): Record<string, string> {
  return flatWording(wordingFor(languages, custom));
}

/** Any profile's wording, flattened to one line per language and NFC-normalised. */
export function flatWording(wording: Record<string, string>): Record<string, string> {
  const out = { ...wording };
  for (const k of Object.keys(out)) out[k] = out[k].replace(/\s+/g, ' ').normalize('NFC');
  return out;
}

export interface TextManifestInput {
  title: string;
  mimeType: string;
  instanceId: string;
  sourceType: SourceType;
  aiSystem?: string;
  aiSystemVersion?: string;
  organisation: string;
  mark: Record<string, unknown>;
  iscc?: string;
  review?: ReviewStamp;
  profileAssertions?: ManifestInput['profileAssertions'];
  prompt?: ManifestInput['prompt'];
}

export function buildTextManifest(m: TextManifestInput): Record<string, unknown> {
  return buildManifest({
    title: m.title,
    format: m.mimeType,
    instanceId: m.instanceId,
    sourceType: m.sourceType,
    aiSystem: m.aiSystem,
    aiSystemVersion: m.aiSystemVersion,
    hasParent: false,
    organisation: m.organisation,
    mark: m.mark,
    iscc: m.iscc,
    review: m.review,
    profileAssertions: m.profileAssertions,
    prompt: m.prompt,
  });
}
