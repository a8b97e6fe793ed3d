/**
 * Detector: software names (EXIF Software, XMP CreatorTool / tiff:Software) of known AI
 * generators, and camera make/model. A camera EXIF is reported but proves nothing: EXIF is
 * trivially copied onto a generated picture.
 */
import type { Signal } from '../domain/report.js';
import type { ExifFields } from './exif-reader.js';
import { knownGenerator } from './generators.js';
import { XMP_NS, type XmpPacket } from './xmp-reader.js';

export function detectSoftware(exif: ExifFields, xmp: XmpPacket | undefined): Signal[] {
  const names: [field: string, value: string | undefined][] = [
    ['EXIF Software', exif.software],
    ['EXIF Artist', exif.artist],
    ['EXIF ImageDescription', exif.imageDescription],
    ['XMP CreatorTool', xmp?.first(XMP_NS.xmp, 'CreatorTool')],
    ['XMP tiff:Software', xmp?.first(XMP_NS.tiff, 'Software')],
  ];
  const signals: Signal[] = [];
  const seen = new Set<string>();
  for (const [field, value] of names) {
    const generator = knownGenerator(value);
    if (!generator || seen.has(generator)) continue;
    seen.add(generator);
    signals.push({
      source: 'exif-software',
      ai: true,
      label: false,
      field,
      value: value!.slice(0, 200),
      generator,
      detail: `${field} names the AI generator ${generator} ("${value!.slice(0, 80)}")`,
    });
  }
  if (exif.make || exif.model) {
    const camera = [exif.make, exif.model].filter(Boolean).join(' ');
    signals.push({
      source: 'exif-camera',
      ai: null,
      label: false,
      field: 'EXIF Make/Model',
      value: camera,
      detail: `EXIF names a camera (${camera}); this alone does not prove the picture is not AI-made`,
    });
  }
  return signals;
}
