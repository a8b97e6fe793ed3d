/**
 * Which profile a label follows (the request's, else DEFAULT_PROFILE, else kz) and what it
 * draws: the mark's wording, its short mark, the EU badge, the font; and what the profile
 * adds to the machine-readable layers (TC260 propagator, California latent disclosure).
 */
import { LabellerError } from '../domain/errors.js';
import { DEFAULT_PROFILE, PROFILES, type Profile, type VisibleMark } from '../domain/profiles/index.js';
import type { LatentDisclosure } from '../domain/profiles/types.js';
import type { SourceType } from '../domain/vocabulary.js';
import { cjkFont, LABEL_FONT } from '../label/font.js';
import type { MarkLook } from '../label/image-mark.js';
import { LATENT_ASSERTION, TC260_ASSERTION, type ManifestInput } from '../provenance/manifest.js';
import type { LabelOptions } from './options.js';
import { languagesOf } from './record.js';
import type { CoreContext } from './types.js';

export interface ProfileMark {
  profile: Profile;
  /** The keys of the wording: kk/ru/en, or zh for the Chinese notice. */
  languages: string[];
  mark: VisibleMark;
}

export function profileOf(options: LabelOptions, ctx: CoreContext): Profile {
  return PROFILES[options.profile ?? ctx.config.defaultProfile ?? DEFAULT_PROFILE];
}

export function profileMark(options: LabelOptions, sourceType: SourceType, ctx: CoreContext): ProfileMark {
  const profile = profileOf(options, ctx);
  if (options.propagator && profile.id !== 'cn')
    throw new LabellerError('bad_option', 'propagator: only the cn profile writes a propagator (TC260 ContentPropagator)');
  if (profile.id === 'us-ca' && !(options.aiSystem && options.aiSystemVersion))
    throw new LabellerError(
      'bad_option',
      'profile us-ca: the latent disclosure names the AI system and its version; give aiSystem and aiSystemVersion (--ai-system, --ai-system-version)',
    );
  const languages = options.languages?.length || !profile.defaultLanguages ? languagesOf(options, ctx) : profile.defaultLanguages;
  const mark = profile.mark({ languages, sourceType, custom: options.wording ?? {} });
  return { profile, languages: Object.keys(mark.wording), mark };
}

/** How the image mark is drawn (the kz look is image-mark.ts's default). */
export function lookOf(mark: VisibleMark): MarkLook | undefined {
  if (mark.script === 'cjk') return { font: cjkFont() };
  return mark.badge ? { font: LABEL_FONT, badge: mark.badge } : undefined;
}

/** us-ca: provider, AI system and version, time of creation and the output's unique id (SB 942 § 22757.3(b)). */
export function latentOf(profile: Profile, options: LabelOptions, ctx: CoreContext, instanceId: string): LatentDisclosure | undefined {
  if (profile.id !== 'us-ca') return undefined;
  return {
    provider: ctx.identity.organisation,
    system: options.aiSystem,
    systemVersion: options.aiSystemVersion,
    createdAt: new Date().toISOString(),
    identifier: instanceId,
  };
}

/** The profile's own signed assertions: cn the TC260 implicit label, us-ca the latent disclosure. */
export function profileAssertions(profile: Profile, aigc: Record<string, string>, latent: LatentDisclosure | undefined): ManifestInput['profileAssertions'] {
  if (profile.id === 'cn') return [{ label: TC260_ASSERTION, data: { AIGC: aigc } }];
  if (latent) return [{ label: LATENT_ASSERTION, data: { ...latent, law: 'California AI Transparency Act (SB 942)' } }];
  return undefined;
}

/** Recorded in the visible-warning assertion beside the wording: which profile drew it, and the EU icon. kz adds nothing. */
export function profileNote(profile: Profile, mark: VisibleMark): Record<string, unknown> {
  if (profile.id === 'kz') return {};
  return { profile: profile.id, ...(mark.badge ? { icon: mark.badge } : {}) };
}

/** What the caller asked for that the profile does not use: said in the record, never silently dropped. */
export function profileWarnings(options: LabelOptions, ctx: CoreContext): string[] {
  const profile = profileOf(options, ctx);
  if (profile.id === 'cn' && (options.languages?.length || options.wording))
    return ['the cn profile writes the notice «人工智能生成» in Chinese only; the languages and wording asked for were not used'];
  return [];
}
