/**
 * California: AI Transparency Act (SB 942, Bus. & Prof. Code §§ 22757–22757.4, as amended by
 * AB 853), operative 2 August 2026. § 22757.3(b): a latent disclosure in the content that
 * conveys, to the extent technically feasible, the name of the covered provider, the name and
 * version number of the GenAI system that created or altered it, the time and date of creation
 * or alteration, and a unique identifier; detectable by the provider's detection tool and
 * permanent or extraordinarily difficult to remove. Here: a signed C2PA assertion and XMP.
 * § 22757.3(a): a manifest (visible) disclosure is offered to the user, so it is optional:
 * this product still draws the English notice.
 */
import { wordingFor } from '../wording.js';
import { NEED, unmet } from './requirements.js';
import type { Profile } from './types.js';

export const US_CA: Profile = {
  id: 'us-ca',
  name: { kk: 'Калифорния (SB 942)', ru: 'Калифорния (SB 942)', en: 'California (SB 942)' },
  source: 'California AI Transparency Act, SB 942 (2024), Business and Professions Code § 22757.3(b)',
  minTextShare: 0.05,
  defaultLanguages: ['en'],
  textPlacements: ['start', 'end'],
  writes: ['C2PA assertion kz.labeller.latent-disclosure (provider, system, version, time, id)', 'XMP latent-disclosure fields', 'IPTC/XMP AI fields'],
  mark: ({ languages, custom }) => ({ wording: wordingFor(languages, custom), shortMark: 'AI', script: 'cyrillic-latin' }),
  judge: (e) => {
    const l = e.latent ?? {};
    const fields = unmet([
      [!!l.provider, NEED.latentProvider],
      [!!l.system, NEED.latentSystem],
      [!!l.systemVersion, NEED.latentVersion],
      [!!l.createdAt, NEED.latentTime],
      [!!l.identifier, NEED.latentId],
    ]);
    const carried = e.manifestIntact && !!e.latent;
    return {
      compliant: carried && fields.length === 0 && !e.tampered,
      missing: [
        ...unmet([
          [!e.tampered, NEED.intactManifest],
          [carried || e.tampered, NEED.latentManifest],
        ]),
        ...(e.latent ? fields : []),
      ],
    };
  },
};
