/**
 * Detector: the GB 45438-2025 implicit label, a JSON object `TC260:AIGC` in XMP (namespace
 * http://www.tc260.org.cn/ns/AIGC/1.0/). Label "1" = generated, "2" = possibly, "3" = suspected.
 */
import type { Signal } from '../domain/report.js';
import type { PngText } from './png-chunks.js';
import { XMP_NS, type XmpPacket } from './xmp-reader.js';

const LABEL_MEANING: Record<string, string> = { '1': 'AI-generated', '2': 'possibly AI-generated', '3': 'suspected AI-generated' };

export function detectTc260(xmp: XmpPacket | undefined, pngText: PngText[] = []): Signal[] {
  const raw = [...(xmp?.values(XMP_NS.tc260, 'AIGC') ?? []), ...pngText.filter((t) => t.keyword === 'AIGC').map((t) => t.text)];
  return [...new Set(raw)].map(toSignal);
}

function toSignal(raw: string): Signal {
  let aigc: Record<string, unknown> | undefined;
  try {
    const parsed = JSON.parse(raw);
    aigc = (parsed && typeof parsed === 'object' && 'AIGC' in parsed ? parsed.AIGC : parsed) as Record<string, unknown>;
  } catch {
    return { source: 'tc260', ai: null, label: false, detail: 'a TC260:AIGC field is present but is not valid JSON', value: raw.slice(0, 300) };
  }
  const label = String(aigc?.Label ?? '');
  const meaning = LABEL_MEANING[label];
  const producer = typeof aigc?.ContentProducer === 'string' && aigc.ContentProducer ? aigc.ContentProducer : undefined;
  return {
    source: 'tc260',
    ai: meaning ? true : null,
    label: !!meaning,
    field: 'TC260:AIGC',
    aigc,
    detail: meaning
      ? `GB 45438 (TC260) implicit label marks the content as ${meaning}${producer ? ` by ${producer}` : ''}`
      : `GB 45438 (TC260) metadata is present with an unknown Label "${label}"`,
  };
}
