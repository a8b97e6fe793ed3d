/**
 * The scrubbers on hostile blocks: an EXIF block whose IFDs loop, overrun or are longer than
 * any camera writes is dropped whole (what cannot be walked cannot be proven clean), never
 * crashes, and leaves none of the fixture's personal strings in the output.
 */
import { describe, expect, it } from 'vitest';
import { scrubExif } from '../src/media/exif-scrub.js';
import { scrubPhotoshop } from '../src/media/iim-scrub.js';
import { headerSegments } from '../src/media/jpeg-segments.js';
import { scrubPicture } from '../src/media/output-scrub.js';
import { fixture } from './helpers/context.js';

const photo = fixture('images', 'privacy-photo.jpg');
const segs = headerSegments(photo)!;
const exifSeg = segs.find((s) => s.marker === 0xe1 && photo.toString('latin1', s.start + 4, s.start + 9) === 'Exif\0')!;
/** The fixture's TIFF block (after "Exif\0\0"). */
const tiff = () => Buffer.from(photo.subarray(exifSeg.start + 10, exifSeg.end));
const le = (b: Buffer) => ({ u16: (o: number) => b.readUInt16LE(o), u32: (o: number) => b.readUInt32LE(o) });

/** The fixture with its EXIF block replaced by `block` (same length or not). */
function withExif(block: Buffer): Buffer {
  const head = Buffer.alloc(10);
  head.writeUInt16BE(0xffe1, 0);
  head.writeUInt16BE(block.length + 8, 2);
  head.write('Exif\0\0', 4, 'latin1');
  return Buffer.concat([photo.subarray(0, exifSeg.start), head, block, photo.subarray(exifSeg.end)]);
}

describe('the EXIF scrub', () => {
  it('removes GPS, serials, owner, maker notes and the thumbnail in place, keeping the size', () => {
    const b = tiff();
    const before = b.length;
    const r = scrubExif(b, {});
    expect(r.ok).toBe(true);
    expect(b.length).toBe(before);
    expect(r.removed.map((i) => i.field)).toEqual(
      expect.arrayContaining(['EXIF:GPSInfo', 'EXIF:SerialNumber', 'EXIF:LensSerialNumber', 'EXIF:OwnerName', 'EXIF:MakerNotes', 'EXIF:ThumbnailImage']),
    );
    for (const s of ['BODY-0042-7731', 'LENS-9911-0007', 'Invented Owner Name', 'aigerim']) expect(b.includes(s), s).toBe(false);
    expect(b.includes('Aigerim N.')).toBe(true); // Artist stays
  });

  it('drops the block whole when an IFD pointer loops back to IFD0', () => {
    const b = tiff();
    const { u16, u32 } = le(b);
    const ifd0 = u32(4);
    // Point the Exif IFD pointer of IFD0 at IFD0 itself.
    for (let i = 0; i < u16(ifd0); i++) if (u16(ifd0 + 2 + i * 12) === 0x8769) b.writeUInt32LE(ifd0, ifd0 + 2 + i * 12 + 8);
    expect(scrubExif(b, {}).ok).toBe(false);
    // (The fixture's XMP segment, which a label replaces, still names the serial: only the EXIF segment is looked at here.)
    expect(scrubPicture(withExif(b), 'jpeg', {}).bytes.includes('Exif\0\0')).toBe(false);
  });

  it('drops an IFD longer than any camera writes, a truncated block and garbage', () => {
    const long = tiff();
    long.writeUInt16LE(5000, le(long).u32(4));
    expect(scrubExif(long, {}).ok).toBe(false);
    expect(scrubExif(tiff().subarray(0, 40), {}).ok).toBe(false);
    expect(scrubExif(Buffer.from('MM\0*\xff\xff\xff\xff', 'latin1'), {}).ok).toBe(false);
    for (const block of [long, tiff().subarray(0, 40)]) expect(scrubPicture(withExif(Buffer.from(block)), 'jpeg', {}).bytes.includes('Exif\0\0')).toBe(false);
  });
});

describe('the Photoshop (IPTC) scrub', () => {
  const app13 = segs.find((s) => s.marker === 0xed)!;
  const payload = photo.subarray(app13.start + 4, app13.end);

  it('keeps the IIM newsroom fields, drops location and the Photoshop thumbnail', () => {
    const r = scrubPhotoshop(payload, {});
    expect(r.payload!.includes('Example Agency')).toBe(true);
    expect(r.payload!.includes('Almaty')).toBe(false);
    expect(r.removed.map((i) => i.field)).toEqual(expect.arrayContaining(['IPTC:City', 'IPTC:Sub-location', 'Photoshop:PhotoshopThumbnail']));
    expect(scrubPhotoshop(payload, { location: true }).payload!.includes('Almaty')).toBe(true);
  });

  it('drops a malformed segment whole', () => {
    const bad = Buffer.from(payload);
    bad.writeUInt32BE(0x7fffffff, 'Photoshop 3.0\0'.length + 8); // the first resource claims 2 GB
    expect(scrubPhotoshop(bad, {}).payload).toBeUndefined();
  });
});
