/**
 * Kazakhstan: Law No. 230-VIII "On Artificial Intelligence" (17 Nov 2025), Art. 21(2):
 * synthetic results may be disseminated only when labelled in machine-readable form AND
 * accompanied by a visual warning a person can perceive. No wording is prescribed; Kazakh is
 * the state language and Russian is used officially, so the warning carries both
 * (zan.kz Z2500000230). The 5 % text height is this product's own legibility rule.
 * This is the default profile: today's behaviour, unchanged.
 */
import { shortMarkFor, wordingFor } from '../wording.js';
import { NEED, unmet } from './requirements.js';
import type { Profile } from './types.js';

export const KZ: Profile = {
  id: 'kz',
  name: { kk: 'Қазақстан (21-бап 2-тармақ)', ru: 'Казахстан (ст. 21(2))', en: 'Kazakhstan (Art. 21(2))' },
  source: 'Law of the Republic of Kazakhstan No. 230-VIII "On Artificial Intelligence", Art. 21(2)',
  minTextShare: 0.05,
  textPlacements: ['start', 'end'],
  writes: ['IPTC/XMP DigitalSourceType + AI fields', 'TC260:AIGC', 'signed C2PA manifest'],
  mark: ({ languages, custom }) => ({
    wording: wordingFor(languages, custom),
    shortMark: shortMarkFor(languages),
    script: 'cyrillic-latin',
  }),
  // Exactly the report's `compliance`: the contract of the Kazakh verdict.
  judge: (e) => ({
    compliant: e.kz.compliant,
    missing: unmet([
      [e.kz.machineReadable, NEED.machineLabel],
      [e.kz.visibleWarning !== false, NEED.visible],
      [e.kz.visibleWarning !== null, NEED.visibleUnverified],
      [!e.tampered, NEED.intactManifest],
    ]),
  }),
};
