/**
 * The pure-JavaScript part of labelling a text, run in the text worker (worker/pool.ts):
 * decoding, format detection, removing a previous label, and the output split around the
 * carrier. Signing (native) and building the carrier stay on the main thread.
 */
import type { TextFormat } from '../media/sniff.js';
import type { SourceType } from '../provenance/xmp.js';
import { cutCarriers, findCarriers, type CarrierKind } from './carriers.js';
import { decodeText, type DecodedText, type TextEncoding } from './encoding.js';
import { detectTextFormat } from './format.js';
import { planHtml, planMarkdown, planPlain, planPlainBytes, stripPreviousLabel, type TextPlan } from './plans.js';
import { plainUtf8, type PlainUtf8 } from './plain-utf8.js';
import { readerTextCode } from './reader-text.js';

export interface LabelRequest {
  textFormat?: TextFormat;
  wording: Record<string, string>;
  placement: 'start' | 'end';
  sourceType: SourceType;
}

/** A plan as data: carriers.ts/plans.ts rebuild its functions from `kind` (carrierPlan). */
export interface PreparedText {
  format: TextFormat;
  encoding: TextEncoding;
  kind: CarrierKind;
  before: Buffer;
  after: Buffer;
  noticeDescription: string;
  warnings: string[];
  /** ISCC Text-Code of what a reader of the labelled text sees (the soft binding). */
  iscc: string;
  /** Its characters after the ISCC normalisation. */
  characters: number;
}

export function prepareTextLabel(input: Buffer, r: LabelRequest): PreparedText {
  // Plain UTF-8 stays bytes (plain-utf8.ts); other encodings and formats are decoded.
  const source: PlainUtf8 | DecodedText = plainUtf8(input, r.textFormat) ?? decodeText(input);
  const warnings: string[] = [];
  let plan: TextPlan;
  let format: TextFormat = 'txt';
  if ('body' in source) {
    if (source.carriers) warnings.push(replacedWarning(source.carriers));
    plan = planPlainBytes(source.body, r.wording, r.placement, source.carriers > 0);
  } else {
    format = detectTextFormat(source.text, r.textFormat);
    if (source.encoding !== 'utf-8') warnings.push(`the text was converted from ${source.encoding} to UTF-8`);
    plan = planDecoded(source, format, r, warnings);
  }
  warnings.push(...plan.warnings);
  const encoding = 'body' in source ? 'utf-8' : source.encoding;
  // The labelled text without its carrier is what readers see: its Text-Code goes into the manifest.
  const code = readerTextCode(format, Buffer.concat([plan.before, plan.after]).toString('utf8'));
  return {
    format,
    encoding,
    kind: plan.kind,
    before: plan.before,
    after: plan.after,
    noticeDescription: plan.noticeDescription,
    warnings,
    iscc: code.iscc,
    characters: code.characters,
  };
}

/** The general path: any encoding and format, on the decoded string. */
function planDecoded(decoded: DecodedText, format: TextFormat, r: LabelRequest, warnings: string[]): TextPlan {
  // Old carriers go first (a relabel replaces them); NFC after, as the binding expects.
  const carriers = findCarriers(decoded.text);
  if (carriers.length) warnings.push(replacedWarning(carriers.length));
  const withoutOurs = stripPreviousLabel(format, decoded.text);
  const text = cutCarriers(withoutOurs, findCarriers(withoutOurs)).normalize('NFC');
  const labelled = carriers.length > 0;
  return format === 'txt'
    ? planPlain(text, r.wording, r.placement, labelled)
    : format === 'md'
      ? planMarkdown(text, r.wording, r.placement, labelled, r.sourceType)
      : planHtml(text, r.wording, r.placement, r.sourceType, { converted: decoded.encoding !== 'utf-8' });
}

function replacedWarning(n: number): string {
  return `the text already carried ${n === 1 ? 'a C2PA manifest' : `${n} C2PA manifests`}; replaced by the new label`;
}
