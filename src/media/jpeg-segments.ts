/**
 * JPEG metadata segments moved from one file to another, byte for byte: what lets the
 * labeller decode a JPEG once, encode the labelled pixels without metadata, and then carry
 * over the input's EXIF, ICC profile and IPTC as libvips' keepMetadata would (EXIF turned
 * upright, since the pixels were).
 */

const SOI = 0xd8;
const SOS = 0xda;
const APP0 = 0xe0;
const APP1 = 0xe1;
const APP2 = 0xe2;
const APP13 = 0xed;

export interface Segment {
  marker: number;
  /** Offset of the 0xFF of the marker. */
  start: number;
  /** Offset just after the segment. */
  end: number;
}

/** The segments before the first scan; undefined when the bytes are not a well-formed JPEG header. */
export function headerSegments(jpeg: Buffer): Segment[] | undefined {
  if (jpeg.length < 4 || jpeg[0] !== 0xff || jpeg[1] !== SOI) return undefined;
  const out: Segment[] = [];
  let at = 2;
  while (at + 4 <= jpeg.length) {
    if (jpeg[at] !== 0xff) return undefined;
    const marker = jpeg[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    const end = at + 2 + jpeg.readUInt16BE(at + 2);
    if (end > jpeg.length) return undefined;
    out.push({ marker, start: at, end });
    if (marker === SOS) return out;
    at = end;
  }
  return undefined;
}

const startsWith = (b: Buffer, s: Segment, id: string) => b.toString('latin1', s.start + 4, s.start + 4 + id.length) === id;

/** The input's EXIF (first APP1 "Exif"), ICC profile (every APP2 "ICC_PROFILE") and IPTC (APP13 "Photoshop 3.0"), in file order. */
export function metadataSegments(jpeg: Buffer): Buffer[] {
  const segs = headerSegments(jpeg) ?? [];
  let exifSeen = false;
  const out: Buffer[] = [];
  for (const s of segs) {
    const bytes = jpeg.subarray(s.start, s.end);
    if (s.marker === APP1 && !exifSeen && startsWith(jpeg, s, 'Exif\0')) {
      exifSeen = true;
      out.push(uprightExif(bytes));
    } else if ((s.marker === APP2 && startsWith(jpeg, s, 'ICC_PROFILE\0')) || (s.marker === APP13 && startsWith(jpeg, s, 'Photoshop 3.0\0'))) {
      out.push(Buffer.from(bytes));
    }
  }
  return out;
}

/** `jpeg` with `segments` inserted after SOI and any APP0 (JFIF), before everything else. */
export function insertSegments(jpeg: Buffer, segments: Buffer[]): Buffer {
  if (!segments.length) return jpeg;
  const segs = headerSegments(jpeg);
  if (!segs) throw new Error('the encoded JPEG has no well-formed header');
  let at = 2;
  for (const s of segs) {
    if (s.marker !== APP0) break;
    at = s.end;
  }
  return Buffer.concat([jpeg.subarray(0, at), ...segments, jpeg.subarray(at)]);
}

/**
 * A copy of an APP1 EXIF segment with the IFD0 Orientation tag (0x0112) set to 1: the pixels
 * were turned upright. Anything unexpected leaves the segment as it was, minus nothing.
 */
export function uprightExif(app1: Buffer): Buffer {
  const out = Buffer.from(app1);
  const tiff = 10; // FF E1 len(2) "Exif\0\0"
  if (out.length < tiff + 8) return out;
  const little = out.toString('latin1', tiff, tiff + 2) === 'II';
  if (!little && out.toString('latin1', tiff, tiff + 2) !== 'MM') return out;
  const u16 = (o: number) => (little ? out.readUInt16LE(o) : out.readUInt16BE(o));
  const u32 = (o: number) => (little ? out.readUInt32LE(o) : out.readUInt32BE(o));
  const ifd0 = tiff + u32(tiff + 4);
  if (ifd0 + 2 > out.length) return out;
  const n = u16(ifd0);
  for (let i = 0; i < n; i++) {
    const entry = ifd0 + 2 + i * 12;
    if (entry + 12 > out.length) break;
    // Orientation is one SHORT, stored in the first two bytes of the value field.
    if (u16(entry) === 0x0112 && u16(entry + 2) === 3) {
      if (little) out.writeUInt16LE(1, entry + 8);
      else out.writeUInt16BE(1, entry + 8);
    }
  }
  return out;
}
