/**
 * The C2PA manifest of a clean copy of a file that carried one: the original is the parent
 * ingredient (its whole signed store travels inside the new one, untouched: we cannot edit
 * another signer's manifest), and one action says what happened. c2pa.transcoded, "the
 * format or encoding was changed": the pixels were decoded and encoded again in the same
 * format, without the personal metadata; nothing was drawn, cropped or edited.
 */
import { TOOL as TOOL_INFO } from '../domain/tool.js';

export interface CleanManifestInput {
  title: string;
  format: string;
  instanceId: string;
  /** The input's digital source type, repeated so that readers of the active manifest still see it. */
  digitalSourceType?: string;
  /** Kinds of personal data removed (location, serial-number…). */
  removed: string[];
}

export function buildCleanManifest(m: CleanManifestInput): Record<string, unknown> {
  return {
    claim_generator_info: [TOOL_INFO],
    title: m.title,
    format: m.format,
    instance_id: m.instanceId,
    assertions: [
      {
        label: 'c2pa.actions',
        data: {
          actions: [
            { action: 'c2pa.opened', parameters: { ingredientIds: ['parent'] } },
            {
              action: 'c2pa.transcoded',
              softwareAgent: { name: TOOL_INFO.name, version: TOOL_INFO.version },
              description: 'Re-encoded in the same format without personal metadata (GPS, serial numbers, owner names, device ids, previews, editing history)',
              ...(m.digitalSourceType ? { digitalSourceType: m.digitalSourceType } : {}),
              parameters: { 'kz.labeller.removed': m.removed },
            },
          ],
        },
      },
    ],
  };
}
