/**
 * What a labelling profile is: one jurisdiction's rule for the visible mark, the
 * machine-readable label and the verdict. Each profile is one table (kz.ts, eu.ts, cn.ts,
 * us-ca.ts) citing its source; see /README.md#profiles.
 */
import type { Lang, SourceType } from '../vocabulary.js';

export const PROFILE_IDS = ['kz', 'eu', 'cn', 'us-ca'] as const;
export type ProfileId = (typeof PROFILE_IDS)[number];
export const DEFAULT_PROFILE: ProfileId = 'kz';

export function isProfileId(x: string): x is ProfileId {
  return (PROFILE_IDS as readonly string[]).includes(x);
}

export type Words = Record<Lang, string>;

/** What is drawn on a picture or written into a text, in the words of one profile. */
export interface VisibleMark {
  /** One line per key (kk, ru, en, or zh for the Chinese notice), in order. */
  wording: Record<string, string>;
  /** The mark for pictures too small for the words. */
  shortMark: string;
  /** The EU common icon drawn before the first line: an acronym in a badge, solid (fully) or grey (partially). */
  badge?: { acronym: string; variant: Variant };
  /** Which font draws it: DejaVu Sans (Latin, Cyrillic, Kazakh) or a CJK font. */
  script: 'cyrillic-latin' | 'cjk';
}

/** The EU icon's two variants, chosen from the IPTC digital source type. */
export type Variant = 'fully-generated' | 'partially-modified';

export interface MarkRequest {
  languages: Lang[];
  sourceType: SourceType;
  custom: Partial<Record<Lang, string>>;
}

/** One thing a profile asks for, named for machines (`item`) and people (kk/ru/en). */
export type Requirement = { item: string } & Words;

/** What a verification found, in the terms every profile judges by (built by src/core/profile-evidence.ts). */
export interface Evidence {
  kind: 'image' | 'text';
  aiGenerated: boolean | null;
  tampered: boolean;
  /** The Kazakh two-layer verdict, exactly as `compliance` reports it. */
  kz: { machineReadable: boolean; visibleWarning: boolean | null; compliant: boolean };
  /** A signed C2PA manifest that validates (valid or trusted). */
  manifestIntact: boolean;
  /** The signature carries an RFC 3161 time-stamp. */
  timestamped: boolean;
  /** The intact manifest declares an AI digital source type. */
  c2paAi: boolean;
  /** IPTC DigitalSourceType in XMP declares an AI source type. */
  iptcAi: boolean;
  /** A visible disclosure: seen (OCR, the text), vouched for by a believed manifest, or unknown (null). */
  visible: boolean | null;
  /** Languages of the visible disclosure (kk, ru, en, zh), as read or as a believed manifest records them. */
  visibleLanguages: string[];
  /** A believed manifest records the EU common icon drawn with the warning. */
  euIcon: boolean;
  /** An editor's approval, signed by our own or a trusted signer (AI Act Art. 50(4)). */
  editorialReview: boolean;
  /** GB 45438 implicit label: the AIGC object from XMP TC260:AIGC or the manifest. */
  aigc?: Record<string, unknown>;
  /** California latent disclosure fields found in an intact manifest. */
  latent?: LatentDisclosure;
}

/** California AI Transparency Act (SB 942, Bus. & Prof. Code § 22757.3(b)) latent disclosure. */
export interface LatentDisclosure {
  provider?: string;
  system?: string;
  systemVersion?: string;
  createdAt?: string;
  identifier?: string;
}

export interface Judgement {
  compliant: boolean;
  /** What is missing for `compliant`, in kk/ru/en words. Empty when compliant. */
  missing: Requirement[];
  /** Advice that does not decide the verdict (e.g. a time-stamp the signer could add). */
  notes?: Requirement[];
}

export interface Profile {
  id: ProfileId;
  name: Words;
  /** The rule implemented, with its source. */
  source: string;
  /** Images: least height of capitals (or ideographs) as a share of the shorter side. */
  minTextShare: number;
  /** Languages of the mark when the caller names none (undefined: DEFAULT_LANGUAGES). */
  defaultLanguages?: Lang[];
  /** Where a text's notice may go. */
  textPlacements: readonly ('start' | 'end')[];
  /** The machine-readable layers the profile writes, as the README lists them. */
  writes: readonly string[];
  mark(r: MarkRequest): VisibleMark;
  judge(e: Evidence): Judgement;
}
