/**
 * The pure-JavaScript part of verifying a text, run in the text worker (worker/pool.ts):
 * decoding, carrier finding, format detection, the visible text, the notice scan and the
 * plain AI claims. Only the C2PA check (native, asynchronous) stays on the main thread.
 */
import type { TextFormat } from '../media/sniff.js';
import { metaClaims, visibleTextOf } from './a7-html.js';
import { frontMatterClaims } from './a9-block.js';
import { cutCarriers, findCarriers, type Carrier } from './carriers.js';
import { decodeText, type TextEncoding } from './encoding.js';
import { detectTextFormat } from './format.js';
import { findGenericNotice, type NoticeFinding } from './notice.js';

export interface Claims {
  aiGenerated?: boolean;
  digitalSourceType?: string;
}

export interface TextAnalysis {
  encoding: TextEncoding;
  bom: boolean;
  format: TextFormat;
  carriers: Carrier[];
  /** What a reader sees (carriers cut, HTML tags removed), and its NFC form when that differs. */
  visible: string;
  visibleNfc?: string;
  /** The notice found by common disclosure phrasings, for when the manifest records no wording. */
  genericNotice: NoticeFinding;
  claims?: Claims;
}

export function analyseText(input: Buffer, hint?: TextFormat): TextAnalysis {
  const decoded = decodeText(input);
  const carriers = findCarriers(decoded.text);
  const format = formatOf(decoded.text, carriers, hint);
  const cut = cutCarriers(decoded.text, carriers);
  const visible = format === 'html' ? visibleTextOf(cut) : cut;
  const nfc = visible.normalize('NFC');
  const claims = format === 'md' ? frontMatterClaims(decoded.text) : format === 'html' ? metaClaims(decoded.text) : undefined;
  return {
    encoding: decoded.encoding,
    bom: decoded.bom,
    format,
    carriers,
    visible,
    ...(nfc !== visible ? { visibleNfc: nfc } : {}),
    genericNotice: findGenericNotice(nfc),
    ...(claims ? { claims } : {}),
  };
}

function formatOf(text: string, carriers: Carrier[], hint?: TextFormat): TextFormat {
  if (hint) return hint;
  const kinds = new Set(carriers.map((c) => c.kind));
  if (kinds.size === 1 && kinds.has('A.7')) return 'html';
  return detectTextFormat(text);
}
