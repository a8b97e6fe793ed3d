/**
 * The IPTC Digital Source Type vocabulary, split by what each value says about AI.
 * Shared by the C2PA and the XMP detectors, which meet the same URIs.
 */

/** Values that say a generative or algorithmic system made the content (or part of it). */
const AI_TYPES = new Set(['trainedAlgorithmicMedia', 'compositeWithTrainedAlgorithmicMedia', 'algorithmicMedia', 'compositeSynthetic']);
/** Values that say a camera or a person made it. */
const NOT_AI_TYPES = new Set([
  'digitalCapture',
  'computationalCapture',
  'negativeFilm',
  'positiveFilm',
  'print',
  'humanEdits',
  'minorHumanEdits',
  'digitalCreation',
  'screenCapture',
  'dataDrivenMedia',
]);

/** Short name of a DST URI (or of a bare name, or a C2PA 1.x `c2pa.` alias). */
export function sourceTypeName(value: string): string {
  return value
    .trim()
    .replace(/^https?:\/\/cv\.iptc\.org\/newscodes\/digitalsourcetype\//i, '')
    .replace(/\/$/, '');
}

/** true: says AI-made; false: says camera- or human-made; null: neither (e.g. algorithmicallyEnhanced, composite). */
export function sourceTypeSaysAi(value: string): boolean | null {
  const name = sourceTypeName(value);
  if (AI_TYPES.has(name)) return true;
  if (NOT_AI_TYPES.has(name)) return false;
  return null;
}
