/**
 * The label options contract: one schema for every door. CLI flags (`--ai-system-version`),
 * form fields and sidecar keys (`aiSystemVersion`, `ai_system_version`, `text_kk`,
 * `wording.kk`) are the same names spelled the door's way; the OpenAPI fields are generated
 * from this schema. Errors name the option as the user typed it:
 * `--languages: "de" is not one of kk, ru, en`.
 */
import { z } from 'zod';
import { LabellerError } from './errors.js';
import {
  LANGS,
  PLACEMENTS,
  SOURCE_TYPES,
  TEXT_FORMATS,
  TEXT_PLACEMENTS,
  type Lang,
  type Placement,
  type SourceType,
  type TextFormat,
  type TextPlacement,
} from './vocabulary.js';
import { PROFILE_IDS, type ProfileId } from './profiles/types.js';

export interface LabelOptions {
  languages?: Lang[];
  wording?: Partial<Record<Lang, string>>;
  placement?: Placement | TextPlacement;
  sourceType?: SourceType;
  aiSystem?: string;
  aiSystemVersion?: string;
  prompt?: string;
  promptWriter?: string;
  quality?: number;
  /** Shown as the manifest title: usually the original file name. */
  title?: string;
  /** Texts: the format the file name says (doors pass the extension); content decides otherwise. */
  textFormat?: TextFormat;
  /** 'required': hold the labelled file for an editor's approval instead of releasing it. */
  review?: 'required';
  /** The jurisdiction's labelling rule (src/domain/profiles); default DEFAULT_PROFILE, else kz. */
  profile?: ProfileId;
  /** cn: the platform passing the content on (TC260 ContentPropagator / PropagateID). */
  propagator?: string;
  /** Keep GPS and location fields (removed by default: domain/personal-data.ts). */
  keepLocation?: boolean;
  /** Keep camera/lens serial numbers, owner name, maker notes and device ids (removed by default). */
  keepCamera?: boolean;
  /** Write the prompt into the file's XMP and manifest (by default it stays in the record only). */
  embedPrompt?: boolean;
}

const quote = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v) : String(v));
const oneOf = (list: readonly string[]) => (iss: { input?: unknown }) => `${quote(iss.input)} is not one of ${list.join(', ')}`;
/** Control characters break metadata and rendering; bidi overrides could make a warning read differently than it is stored. */
const CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufffe\uffff]/;
const text = (max: number) =>
  z
    .string({ error: 'expected text' })
    .trim()
    .min(1, 'is empty')
    .max(max, `is longer than ${max} characters`)
    .refine((v) => !CONTROLS.test(v), 'contains control or text-direction characters')
    // A lone surrogate (possible from JSON escapes in a sidecar) is not text: no metadata format can carry it.
    .refine((v) => !/\p{Cs}/u.test(v), 'is not valid Unicode text');

const languages = z.union([z.string(), z.array(z.string())], { error: 'expected a comma-separated list' }).transform((v, ctx) => {
  const items = (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim().toLowerCase()).filter(Boolean);
  const bad = items.find((l) => !(LANGS as readonly string[]).includes(l));
  if (bad !== undefined || items.length === 0) {
    ctx.issues.push({ code: 'custom', input: v, message: bad !== undefined ? oneOf(LANGS)({ input: bad }) : `name at least one of ${LANGS.join(', ')}` });
    return z.NEVER;
  }
  return [...new Set(items)] as Lang[];
});

/** A switch: true from a CLI flag or JSON, or spelled in a form field. */
const flag = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])], { error: oneOf(['true', 'false']) })
  .transform((v) => (typeof v === 'boolean' ? v : ['true', '1', 'yes', 'on'].includes(v)));

const quality = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const n = typeof v === 'number' ? v : /^\s*\d{1,3}\s*$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > 100) {
    ctx.issues.push({ code: 'custom', input: v, message: `${quote(v)} is not a whole number from 1 to 100` });
    return z.NEVER;
  }
  return n;
});

/** Form fields / sidecar keys, canonical spelling. Every value may arrive as a string. */
export const LabelFieldsSchema = z
  .object({
    languages: languages
      .optional()
      .meta({ description: `Languages of the visible warning, comma-separated (${LANGS.join(', ')}); default DEFAULT_LANGUAGES (kk,ru).`, example: 'kk,ru' }),
    placement: z
      .enum([...PLACEMENTS, ...TEXT_PLACEMENTS], { error: oneOf([...PLACEMENTS, ...TEXT_PLACEMENTS]) })
      .optional()
      .meta({ description: 'Images: corner (= corner-bottom-left), corner-*, band (= band-bottom), band-top. Texts: start or end.' }),
    sourceType: z
      .enum(SOURCE_TYPES, { error: oneOf(SOURCE_TYPES) })
      .optional()
      .meta({ description: `IPTC digital source type: ${SOURCE_TYPES.join(', ')}; default trainedAlgorithmicMedia.` }),
    aiSystem: text(200).optional().meta({ description: 'AI system used (IPTC AISystemUsed, C2PA softwareAgent).' }),
    aiSystemVersion: text(100).optional().meta({ description: 'Version of the AI system (IPTC AISystemVersionUsed).' }),
    prompt: text(4000).optional().meta({ description: 'Prompt information (IPTC AIPromptInformation).' }),
    promptWriter: text(200).optional().meta({ description: 'Who wrote the prompt (IPTC AIPromptWriterName).' }),
    text_kk: text(200).optional().meta({ description: 'Kazakh wording instead of the default.' }),
    text_ru: text(200).optional().meta({ description: 'Russian wording instead of the default.' }),
    text_en: text(200).optional().meta({ description: 'English wording instead of the default.' }),
    quality: quality.optional().meta({ description: 'JPEG/WebP/AVIF quality 1–100; default JPEG_QUALITY (92).' }),
    title: text(255).optional().meta({ description: 'Manifest title; default: the file name.' }),
    textFormat: z
      .enum(TEXT_FORMATS, { error: oneOf(TEXT_FORMATS) })
      .optional()
      .meta({ description: 'Texts: txt, md or html; default from the file name, then the content.' }),
    review: z
      .union([z.literal(true), z.enum(['required'])], { error: oneOf(['required']) })
      .transform(() => 'required' as const)
      .optional()
      .meta({
        description:
          "required: hold the labelled file for an editor's approval (202 + a job) instead of releasing it; REVIEW_REQUIRED=true does so for every file.",
      }),
    profile: z
      .enum(PROFILE_IDS, { error: oneOf(PROFILE_IDS) })
      .optional()
      .meta({ description: `Labelling rule of a jurisdiction: ${PROFILE_IDS.join(', ')}; default DEFAULT_PROFILE (kz).` }),
    propagator: text(200).optional().meta({ description: 'cn: the platform passing the content on, written as TC260 ContentPropagator (with a PropagateID).' }),
    keepLocation: flag.optional().meta({ description: 'Keep the GPS position and IPTC location fields of the input (removed by default).' }),
    keepCamera: flag
      .optional()
      .meta({ description: 'Keep camera and lens serial numbers, owner name, maker notes and device ids of the input (removed by default).' }),
    embedPrompt: flag
      .optional()
      .meta({ description: "Write the prompt and its writer into the file's XMP and C2PA manifest (by default they stay in the record only)." }),
  })
  .strict();

export type LabelField = keyof z.input<typeof LabelFieldsSchema>;
/** Every option, in the order the help and the README list them. */
export const LABEL_FIELDS = Object.keys(LabelFieldsSchema.shape) as LabelField[];
const FIELDS = LABEL_FIELDS;
/** Options the CLI spells as a switch without a value (`--review`). */
export const CLI_SWITCHES: readonly LabelField[] = ['review', 'keepLocation', 'keepCamera', 'embedPrompt'];

/** The option's one-line description (CLI help, OpenAPI). */
export function fieldHelp(field: LabelField): string {
  return String((LabelFieldsSchema.shape[field].meta() as { description?: string } | undefined)?.description ?? field);
}

/** Other spellings doors and older versions use (after folding case, `-`, `_` and `.`). */
const ALIASES: Record<string, LabelField> = {
  lang: 'languages',
  aiversion: 'aiSystemVersion',
  wordingkk: 'text_kk',
  wordingru: 'text_ru',
  wordingen: 'text_en',
  format: 'textFormat',
};
const fold = (k: string) => k.toLowerCase().replace(/[-_.]/g, '');
const CANONICAL = new Map<string, LabelField>([...FIELDS.map((f) => [fold(f), f] as const), ...Object.entries(ALIASES)]);

/** How a door names an option back to its user. */
export type OptionSpelling = 'cli' | 'field';

/** `aiSystemVersion` → `--ai-system-version`, `text_kk` → `--text-kk`. */
export function cliFlagOf(field: string): string {
  return `--${field.replace(/_/g, '-').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

const TEXT_EXT: Record<string, TextFormat> = { txt: 'txt', text: 'txt', md: 'md', markdown: 'md', html: 'html', htm: 'html', xhtml: 'html' };

/** Parses options from any door; throws `bad_option` naming each option as the user spelled it. */
export function parseLabelOptions(raw: Record<string, unknown>, spelling: OptionSpelling = 'field'): LabelOptions {
  const input: Record<string, unknown> = {};
  const typed = new Map<string, string>();
  const unknown: string[] = [];
  const put = (key: string, value: unknown) => {
    if (value === undefined || value === '') return;
    const field = CANONICAL.get(fold(key));
    if (!field) return void unknown.push(key);
    input[field] = field === 'textFormat' && typeof value === 'string' ? (TEXT_EXT[value.trim().toLowerCase().replace(/^\./, '')] ?? value) : value;
    typed.set(field, key);
  };
  for (const [k, v] of Object.entries(raw)) {
    // A sidecar may group the wording: { "wording": { "kk": "…" } }.
    if (fold(k) === 'wording' && v !== null && typeof v === 'object' && !Array.isArray(v)) for (const [lang, w] of Object.entries(v)) put(`text_${lang}`, w);
    else put(k, v);
  }
  const nameOf = (field: string) => (spelling === 'cli' ? cliFlagOf(field) : (typed.get(field) ?? field));
  const problems = unknown.map((k) => `${quote(k.slice(0, 60))} is not a label option (the options are ${FIELDS.join(', ')})`);
  const parsed = LabelFieldsSchema.safeParse(input);
  if (!parsed.success) for (const i of parsed.error.issues) problems.push(`${nameOf(String(i.path[0] ?? 'options'))}: ${i.message}`);
  if (problems.length || !parsed.success) throw new LabellerError('bad_option', problems.join('; '));
  const f = parsed.data;
  const wording: Partial<Record<Lang, string>> = {};
  if (f.text_kk) wording.kk = f.text_kk;
  if (f.text_ru) wording.ru = f.text_ru;
  if (f.text_en) wording.en = f.text_en;
  const options: LabelOptions = {
    languages: f.languages,
    wording: Object.keys(wording).length ? wording : undefined,
    placement: f.placement,
    sourceType: f.sourceType,
    aiSystem: f.aiSystem,
    aiSystemVersion: f.aiSystemVersion,
    prompt: f.prompt,
    promptWriter: f.promptWriter,
    quality: f.quality,
    title: f.title,
    textFormat: f.textFormat,
    review: f.review,
    profile: f.profile,
    propagator: f.propagator,
    keepLocation: f.keepLocation || undefined,
    keepCamera: f.keepCamera || undefined,
    embedPrompt: f.embedPrompt || undefined,
  };
  for (const k of Object.keys(options) as (keyof LabelOptions)[]) if (options[k] === undefined) delete options[k];
  return options;
}

/** The text format a file name implies (doors pass it as a hint; the bytes still decide the rest). */
export function textFormatFromName(name: string | undefined): TextFormat | undefined {
  const n = name ?? '';
  const dot = n.lastIndexOf('.');
  return dot < 0 ? undefined : TEXT_EXT[n.slice(dot + 1).toLowerCase()];
}

/** The form fields as JSON Schema properties, for the OpenAPI document. */
export function labelFieldsJsonSchema(): Record<string, object> {
  const schema = z.toJSONSchema(LabelFieldsSchema, { io: 'input', unrepresentable: 'any' }) as { properties: Record<string, Record<string, unknown>> };
  // Multipart fields are strings on the wire; lists are comma-separated.
  for (const p of Object.values(schema.properties)) if (p.anyOf) Object.assign(p, { type: 'string', anyOf: undefined });
  return JSON.parse(JSON.stringify(schema.properties));
}
