/**
 * The words every layer and every door shares: languages, placements, source types, text
 * formats. Imports nothing of ours, so any layer may use it.
 */

/** Languages of the visible warning and of reports. Kazakh first: it is the state language. */
export const LANGS = ['kk', 'ru', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export function isLang(x: string): x is Lang {
  return (LANGS as readonly string[]).includes(x);
}

/** Where the warning goes on an image. `corner` = `corner-bottom-left`, `band` = `band-bottom`. */
export const PLACEMENTS = [
  'corner',
  'band',
  'corner-bottom-left',
  'corner-bottom-right',
  'corner-top-left',
  'corner-top-right',
  'band-bottom',
  'band-top',
] as const;
export type Placement = (typeof PLACEMENTS)[number];

/** Where the notice goes in a text. */
export const TEXT_PLACEMENTS = ['start', 'end'] as const;
export type TextPlacement = (typeof TEXT_PLACEMENTS)[number];

/** IPTC digital source types a labelled file may declare (https://cv.iptc.org/newscodes/digitalsourcetype/). */
export const SOURCE_TYPES = [
  'trainedAlgorithmicMedia',
  'compositeWithTrainedAlgorithmicMedia',
  'algorithmicMedia',
  'algorithmicallyEnhanced',
  'compositeSynthetic',
] as const;
export type SourceType = (typeof SOURCE_TYPES)[number];

export const TEXT_FORMATS = ['txt', 'md', 'html'] as const;
export type TextFormat = (typeof TEXT_FORMATS)[number];

/** Which door a request came through: written to the record as part of the actor. */
export const DOORS = ['cli', 'rest', 'web', 'watch'] as const;
export type Door = (typeof DOORS)[number];
