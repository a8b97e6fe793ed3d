/**
 * The part of a LabelRecord that images and texts share: who signed, what was said, with
 * which source type, and the hashes of what went in and came out.
 */
import { DST_BASE, type SourceType } from '../provenance/xmp.js';
import type { LabelOptions } from './options.js';
import type { CoreContext, LabelRecord } from './types.js';

import { sha256 } from '../domain/hash.js';
import type { KeepPersonal } from '../domain/personal-data.js';
import type { PromptText } from '../domain/record.js';
import { DEFAULT_LANGUAGES, isLang, type Lang } from '../domain/wording.js';

export { sha256 };

export interface CommonRecordInput {
  input: Buffer;
  output: Buffer;
  /** When the caller already hashed the output on the way. */
  outputSha256?: string;
  options: LabelOptions;
  ctx: CoreContext;
  languages: string[];
  wording: Record<string, string>;
  placement: string;
  sourceType: SourceType;
  instanceId: string;
  manifestLabel?: string;
  parentManifestKept: boolean;
  warnings: string[];
  /** performance.now() when the work started. */
  started: number;
}

type Common = Omit<LabelRecord, 'kind' | 'format' | 'mimeType' | 'width' | 'height' | 'mark' | 'id'>;

export function commonRecord(c: CommonRecordInput): Common {
  return {
    inputSha256: sha256(c.input),
    outputSha256: c.outputSha256 ?? sha256(c.output),
    inputBytes: c.input.length,
    outputBytes: c.output.length,
    languages: c.languages,
    wording: c.wording,
    placement: c.placement,
    sourceType: c.sourceType,
    digitalSourceType: DST_BASE + c.sourceType,
    aiSystem: c.options.aiSystem,
    aiSystemVersion: c.options.aiSystemVersion,
    manifestLabel: c.manifestLabel,
    instanceId: c.instanceId,
    parentManifestKept: c.parentManifestKept,
    signer: { organisation: c.ctx.identity.organisation, development: c.ctx.identity.development },
    warnings: c.warnings,
    createdAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - c.started),
  };
}

/** The warning's languages: the caller's, else DEFAULT_LANGUAGES, else Kazakh and Russian. */
export function languagesOf(options: LabelOptions, ctx: CoreContext): Lang[] {
  if (options.languages?.length) return options.languages;
  const configured = ctx.config.defaultLanguages.filter(isLang);
  return configured.length ? configured : DEFAULT_LANGUAGES;
}

/** The personal data a caller keeps in the output (--keep-location, --keep-camera). */
export function keepOf(options: LabelOptions): KeepPersonal {
  return { location: !!options.keepLocation, camera: !!options.keepCamera };
}

/** The prompt as the record keeps it (always, outside the chain), when one was given. */
export function promptOf(options: LabelOptions): PromptText | undefined {
  return options.prompt ? { text: options.prompt, ...(options.promptWriter ? { writer: options.promptWriter } : {}) } : undefined;
}

/** The prompt for the file itself (XMP, manifest): only with --embed-prompt. */
export function embeddedPrompt(options: LabelOptions): PromptText | undefined {
  return options.embedPrompt ? promptOf(options) : undefined;
}
