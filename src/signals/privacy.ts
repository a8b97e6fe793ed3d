/**
 * Personal data in an incoming image's metadata, for the editor (source protection): GPS
 * position, serial numbers, owner names, device ids, embedded previews, editing-history paths,
 * prompts. Reads the blocks the metadata detectors already cut and parsed in the parse worker
 * (metadata-tasks.ts): the XMP index, PNG text, and the EXIF and Photoshop blocks walked by the
 * same code that removes these fields from labels and clean copies (media/exif-scrub.ts,
 * media/iim-scrub.ts), so what verify names is what a clean copy removes. Names, never values.
 */
import { type PrivacyItem, type PrivacyKind, uniqueItems } from '../domain/personal-data.js';
import { personalInExif } from '../media/exif-scrub.js';
import { personalInPhotoshop } from '../media/iim-scrub.js';
import type { PngText } from './png-chunks.js';
import type { XmpPacket } from './xmp-reader.js';

const NS = {
  exif: 'http://ns.adobe.com/exif/1.0/',
  exifEX: 'http://cipa.jp/exif/1.0/',
  aux: 'http://ns.adobe.com/exif/1.0/aux/',
  photoshop: 'http://ns.adobe.com/photoshop/1.0/',
  iptcCore: 'http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/',
  iptcExt: 'http://iptc.org/std/Iptc4xmpExt/2008-02-29/',
  xmpMM: 'http://ns.adobe.com/xap/1.0/mm/',
};

/** XMP properties that are personal data: [kind, namespace, name, prefix ExifTool shows]. */
const XMP_FIELDS: [PrivacyKind, keyof typeof NS, string][] = [
  ['location', 'exif', 'GPSLatitude'],
  ['location', 'exif', 'GPSLongitude'],
  ['location', 'photoshop', 'City'],
  ['location', 'photoshop', 'State'],
  ['location', 'photoshop', 'Country'],
  ['location', 'iptcCore', 'Location'],
  ['location', 'iptcExt', 'LocationCreated'],
  ['location', 'iptcExt', 'LocationShown'],
  ['serial-number', 'aux', 'SerialNumber'],
  ['serial-number', 'aux', 'LensSerialNumber'],
  ['serial-number', 'exifEX', 'BodySerialNumber'],
  ['serial-number', 'exifEX', 'LensSerialNumber'],
  ['owner-name', 'aux', 'OwnerName'],
  ['owner-name', 'exifEX', 'CameraOwnerName'],
  ['device-id', 'exif', 'ImageUniqueID'],
  ['device-id', 'exifEX', 'ImageUniqueID'],
  ['editing-history', 'xmpMM', 'History'],
  ['editing-history', 'xmpMM', 'DerivedFrom'],
  ['editing-history', 'xmpMM', 'Ingredients'],
  ['editing-history', 'photoshop', 'DocumentAncestors'],
  ['prompt', 'iptcExt', 'AIPromptInformation'],
];

const PNG_PROMPTS = new Set(['parameters', 'prompt', 'workflow', 'Dream', 'sd-metadata', 'invokeai_metadata']);

export interface PrivacySources {
  exif?: Buffer;
  /** sharp's IPTC block: a JPEG's whole Photoshop segment payload. */
  iptc?: Buffer;
  xmp?: XmpPacket;
  pngText: PngText[];
}

export function detectPersonalData(s: PrivacySources): PrivacyItem[] {
  const items: PrivacyItem[] = [];
  if (s.exif?.length) items.push(...personalInExif(s.exif));
  if (s.iptc?.toString('latin1', 0, 13) === 'Photoshop 3.0') items.push(...personalInPhotoshop(s.iptc));
  for (const [kind, ns, name] of XMP_FIELDS) if (s.xmp?.has(NS[ns], name)) items.push({ kind, field: `XMP:${ns}:${name}` });
  for (const t of s.pngText) if (PNG_PROMPTS.has(t.keyword)) items.push({ kind: 'prompt', field: `PNG:${t.keyword}` });
  return uniqueItems(items);
}
