/**
 * Label options, validated in one place for every door (CLI flags, form fields, sidecar
 * JSON). Strings such as "kk,ru" are accepted where a list is expected.
 */
import { z } from 'zod';
import { LabellerError } from '../errors.js';
import { LANGS, type Lang } from '../label/wording.js';
import { PLACEMENTS, type Placement } from '../label/image-mark.js';
import { SOURCE_TYPES, type SourceType } from '../provenance/xmp.js';

export const TEXT_PLACEMENTS = ['start', 'end'] as const;
export type TextPlacement = (typeof TEXT_PLACEMENTS)[number];

const langList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim().toLowerCase()).filter(Boolean))
  .pipe(z.array(z.enum(LANGS)).min(1, 'at least one language').max(3))
  .transform((v) => [...new Set(v)]);

/** File extensions as doors see them (".HTM", "markdown", "text") → the three text formats. */
function textFormatAlias(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const ext = v.trim().toLowerCase().replace(/^\./, '');
  return ({ htm: 'html', xhtml: 'html', markdown: 'md', text: 'txt' } as Record<string, string>)[ext] ?? ext;
}

const short = (max: number) => z.string().trim().min(1).max(max);

export const LabelOptionsSchema = z
  .object({
    languages: langList.optional(),
    wording: z.record(z.enum(LANGS), short(200)).optional(),
    placement: z.enum([...PLACEMENTS, ...TEXT_PLACEMENTS]).optional(),
    sourceType: z.enum(SOURCE_TYPES).optional(),
    aiSystem: short(200).optional(),
    aiSystemVersion: short(100).optional(),
    prompt: short(4000).optional(),
    promptWriter: short(200).optional(),
    quality: z.coerce.number().int().min(1).max(100).optional(),
    title: short(255).optional(),
    textFormat: z.preprocess(textFormatAlias, z.enum(['txt', 'md', 'html'])).optional(),
  })
  .strict();

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
  textFormat?: 'txt' | 'md' | 'html';
}

/** Accepts flat wording keys too (`wording.kk`, `wordingKk`, `text_kk`) as forms send them. */
export function parseLabelOptions(raw: Record<string, unknown>): LabelOptions {
  const input: Record<string, unknown> = {};
  const wording: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined || v === '') continue;
    const w = /^(?:wording[._-]?|text[._-]?)(kk|ru|en)$/i.exec(k);
    if (w) wording[w[1].toLowerCase()] = v;
    else if (k === 'wording' && typeof v === 'object') Object.assign(wording, v);
    else input[k] = v;
  }
  if (Object.keys(wording).length) input.wording = wording;
  const parsed = LabelOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const msg = parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`).join('; ');
    throw new LabellerError('bad_option', `invalid label options: ${msg}`);
  }
  return parsed.data as LabelOptions;
}

/** The text format a file name implies (doors pass it as a hint; the bytes still decide the rest). */
export function textFormatFromName(name: string | undefined): 'txt' | 'md' | 'html' | undefined {
  const ext = /\.([a-z]+)$/i.exec(name ?? '')?.[1];
  const f = ext ? textFormatAlias(ext) : undefined;
  return f === 'txt' || f === 'md' || f === 'html' ? f : undefined;
}
