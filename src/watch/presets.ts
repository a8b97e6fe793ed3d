/**
 * Presets: label options chosen by dropping a file into `inbox/<preset>/`. A sidecar
 * `<name>.json` next to the file overrides them field by field. Documented in README.md.
 */
import { PROFILE_IDS } from '../domain/profiles/types.js';

export const PRESETS: Record<string, Record<string, unknown>> = {
  'kk-ru': { languages: ['kk', 'ru'] },
  'kk-ru-en': { languages: ['kk', 'ru', 'en'] },
  kk: { languages: ['kk'] },
  ru: { languages: ['ru'] },
  en: { languages: ['en'] },
  band: { placement: 'band' },
  'kk-ru-band': { languages: ['kk', 'ru'], placement: 'band' },
  'kk-ru-en-band': { languages: ['kk', 'ru', 'en'], placement: 'band' },
  /** Held for an editor: a ticket in review/ until approved (released to outbox/) or rejected (failed/). */
  review: { review: 'required' },
  /** One folder per labelling profile (src/domain/profiles): inbox/eu/, inbox/cn/, inbox/us-ca/, inbox/kz/. */
  ...Object.fromEntries(PROFILE_IDS.map((p) => [p, { profile: p }])),
};

export function presetNames(): string {
  return Object.keys(PRESETS).join(', ');
}
