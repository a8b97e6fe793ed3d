/**
 * The manifest definition for a text: the same actions and visible-warning assertion as
 * for images (core/manifest.ts), with the text's MIME type. The hard binding is added at
 * signing time (manifest-store.ts), once the carrier's place is known.
 */
import { buildManifest } from '../core/manifest.js';
import type { LabelOptions } from '../core/options.js';
import type { CoreContext } from '../core/types.js';
import { DEFAULT_LANGUAGES, isLang, wordingFor, type Lang } from '../label/wording.js';
import type { SourceType } from '../provenance/xmp.js';

export function textLanguages(options: LabelOptions, ctx: CoreContext): Lang[] {
  if (options.languages?.length) return options.languages;
  const configured = ctx.config.defaultLanguages.filter(isLang);
  return configured.length ? configured : DEFAULT_LANGUAGES;
}

/** Wording per language; line breaks are flattened so the notice stays one line. */
export function textWording(languages: Lang[], custom?: Partial<Record<Lang, string>>): Record<string, string> {
  const out = wordingFor(languages, custom);
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
  });
}
