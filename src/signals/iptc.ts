/**
 * Detector: IPTC Digital Source Type and the IPTC 2025.1 AI fields in XMP
 * (AISystemUsed, AISystemVersionUsed, AIPromptInformation, AIPromptWriterName).
 * A Digital Source Type is a machine-readable label in its own right, though unsigned.
 */
import type { Signal } from '../domain/report.js';
import { knownGenerator } from './generators.js';
import { sourceTypeName, sourceTypeSaysAi } from './source-types.js';
import { XMP_NS, type XmpPacket } from './xmp-reader.js';

/** Names and versions are short; a longer value (up to the metadata cap) is cut, not copied into every report. */
const MAX_NAME = 200;

export function detectIptc(xmp: XmpPacket | undefined): Signal[] {
  if (!xmp) return [];
  const signals: Signal[] = [];
  for (const value of new Set(xmp.values(XMP_NS.iptcExt, 'DigitalSourceType'))) {
    const ai = sourceTypeSaysAi(value);
    const name = sourceTypeName(value).slice(0, 300);
    signals.push({
      source: 'xmp-iptc',
      ai,
      label: ai === true,
      field: 'Iptc4xmpExt:DigitalSourceType',
      value: value.slice(0, 300),
      detail:
        ai === true
          ? `IPTC Digital Source Type "${name}" declares AI-generated content`
          : ai === false
            ? `IPTC Digital Source Type "${name}" declares camera- or human-made content (unsigned)`
            : `IPTC Digital Source Type "${name}"`,
    });
  }
  const system = xmp.first(XMP_NS.iptcExt, 'AISystemUsed')?.slice(0, MAX_NAME);
  const version = xmp.first(XMP_NS.iptcExt, 'AISystemVersionUsed')?.slice(0, MAX_NAME);
  const prompt = xmp.first(XMP_NS.iptcExt, 'AIPromptInformation');
  const writer = xmp.first(XMP_NS.iptcExt, 'AIPromptWriterName')?.slice(0, MAX_NAME);
  if (system || prompt) {
    const generator = knownGenerator(system);
    signals.push({
      source: 'xmp-iptc-ai',
      ai: true,
      label: false,
      field: system ? 'Iptc4xmpExt:AISystemUsed' : 'Iptc4xmpExt:AIPromptInformation',
      ...(system ? { aiSystem: system } : {}),
      ...(version ? { aiSystemVersion: version } : {}),
      ...(prompt ? { prompt: prompt.slice(0, 500) } : {}),
      ...(writer ? { promptWriter: writer } : {}),
      ...(generator ? { generator } : {}),
      detail: system
        ? `IPTC AI fields name the AI system "${system}${version ? ` ${version}` : ''}"`
        : 'IPTC AI fields carry the prompt used to generate the image',
    });
  }
  return signals;
}
