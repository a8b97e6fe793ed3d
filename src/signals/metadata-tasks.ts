/**
 * What the parse worker does with an image's metadata blocks (metadata-blocks.ts): parse them
 * (XMP index, EXIF, PNG text with its inflation, IPTC-IIM) and run the metadata detectors, or
 * read the editorial fields a label carries over. Pure functions of bytes with plain-data
 * results; on a small input they also run inline (metadata.ts).
 */
import type { Signal } from '../domain/report.js';
import type { EditorialFields } from '../provenance/xmp.js';
import { readEditorialFields, type EditorialSources } from './editorial.js';
import { readExif } from './exif-reader.js';
import { detectIptc } from './iptc.js';
import { rawProfileBytes, readIim } from './iptc-iim.js';
import { type Layout, unpack } from './metadata-blocks.js';
import { readPngText } from './png-chunks.js';
import { detectPngText } from './png-text.js';
import { detectSoftware } from './software.js';
import { detectTc260 } from './tc260.js';
import { XmpPacket } from './xmp-reader.js';
import { detectPersonalData } from './privacy.js';
import type { PrivacyItem } from '../domain/personal-data.js';

export interface MetadataTasks {
  /** The detectors' signals and the personal data an editor should know of (privacy.ts). */
  signals(input: Buffer, layout: Layout): { signals: Signal[]; privacy: PrivacyItem[] };
  editorial(input: Buffer, layout: Layout): EditorialFields;
}

function parse(input: Buffer, layout: Layout): EditorialSources {
  const blocks = unpack(input, layout);
  const pngText = blocks.png ? readPngText(blocks.png) : [];
  const xmpText = blocks.xmp?.toString('utf8') ?? pngText.find((t) => t.keyword === 'XML:com.adobe.xmp')?.text ?? blocks.scan?.toString('utf8');
  // ExifTool and ImageMagick write a PNG's IPTC as a hex text chunk.
  const rawIptc = pngText.find((t) => t.keyword === 'Raw profile type iptc')?.text;
  return {
    xmp: xmpText ? new XmpPacket(xmpText) : undefined,
    exif: readExif(blocks.exif),
    iim: readIim(blocks.iptc ?? (rawIptc ? rawProfileBytes(rawIptc) : undefined)),
    pngText,
  };
}

export const TASKS: MetadataTasks = {
  signals(input, layout) {
    const m = parse(input, layout);
    const blocks = unpack(input, layout);
    return {
      signals: [...detectIptc(m.xmp), ...detectTc260(m.xmp, m.pngText), ...detectSoftware(m.exif, m.xmp), ...detectPngText(m.pngText, m.exif.userComment)],
      privacy: detectPersonalData({ exif: blocks.exif, iptc: blocks.iptc, xmp: m.xmp, pngText: m.pngText }),
    };
  },
  editorial: (input, layout) => readEditorialFields(parse(input, layout)),
};

export type MetadataTaskName = keyof MetadataTasks;
