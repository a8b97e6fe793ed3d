/**
 * Removes personal data from an EXIF (TIFF-structured) block in place, without moving
 * anything: removed entries leave their IFD and their values are overwritten with zeros, so
 * every offset that stays (maker notes kept with keepCamera point all over the block) stays
 * right, and the block keeps its size inside whatever container holds it (JPEG APP1, PNG
 * eXIf, WebP EXIF, the AVIF Exif item).
 *
 * An allow-list: IFD0 and the Exif IFD keep only the tags below (picture structure, dates,
 * exposure, camera and lens model, artist, copyright, caption); GPS, serial numbers, owner,
 * maker notes and unique ids only when asked; everything else, the IFD1 thumbnail (an
 * embedded preview, possibly of the uncropped original) included, is zeroed.
 */
import { keptBy, uniqueItems, type KeepPersonal, type PrivacyItem, type PrivacyKind } from '../domain/personal-data.js';

const EXIF_POINTER = 0x8769;
const GPS_POINTER = 0x8825;
const INTEROP_POINTER = 0xa005;

/** IFD0: structure, resolution, Make/Model, Software, DateTime, Artist, Copyright, ImageDescription, colour. */
// biome-ignore format: a table of tag numbers
const IFD0_KEEP = new Set([
  0x100, 0x101, 0x102, 0x103, 0x106, 0x10e, 0x10f, 0x110, 0x112, 0x115, 0x11a, 0x11b, 0x11c, 0x128, 0x12d, 0x131, 0x132, 0x13b, 0x13e, 0x13f,
  0x211, 0x212, 0x213, 0x214, 0x8298, EXIF_POINTER,
]);
/** Exif IFD: exposure, dates and offsets, colour, focal plane, scene, lens specification/make/model. */
// biome-ignore format: a table of tag numbers
const EXIF_KEEP = new Set([
  0x829a, 0x829d, 0x8822, 0x8827, 0x8830, 0x8831, 0x8832, 0x9000, 0x9003, 0x9004, 0x9010, 0x9011, 0x9012, 0x9101, 0x9102, 0x9201, 0x9202,
  0x9203, 0x9204, 0x9205, 0x9206, 0x9207, 0x9208, 0x9209, 0x920a, 0x9214, 0x9290, 0x9291, 0x9292, 0xa000, 0xa001, 0xa002, 0xa003, 0xa20e,
  0xa20f, 0xa210, 0xa215, 0xa217, 0xa300, 0xa301, 0xa401, 0xa402, 0xa403, 0xa404, 0xa405, 0xa406, 0xa407, 0xa408, 0xa409, 0xa40a, 0xa40c,
  0xa432, 0xa433, 0xa434, 0xa460, 0xa500, INTEROP_POINTER,
]);

/** The personal tags, named as ExifTool names them. */
const PERSONAL = new Map<number, [PrivacyKind, string]>([
  [GPS_POINTER, ['location', 'EXIF:GPSInfo']],
  [0x927c, ['maker-notes', 'EXIF:MakerNotes']],
  [0xa431, ['serial-number', 'EXIF:SerialNumber']],
  [0xa435, ['serial-number', 'EXIF:LensSerialNumber']],
  [0xc62f, ['serial-number', 'EXIF:CameraSerialNumber']],
  [0xa430, ['owner-name', 'EXIF:OwnerName']],
  [0xa420, ['device-id', 'EXIF:ImageUniqueID']],
  [0x013c, ['device-id', 'EXIF:HostComputer']],
  [0x010d, ['editing-history', 'EXIF:DocumentName']],
]);

const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4 };
const MAX_ENTRIES = 1024;

export interface ExifScrub {
  /** Personal fields removed (each named once). */
  removed: PrivacyItem[];
  /** False when the block is not a TIFF structure we can walk: the caller drops it whole. */
  ok: boolean;
}

/** The TIFF start inside a block sharp or a container hands over ("Exif\0\0" prefix or not). */
export function tiffStart(block: Buffer): number {
  return block.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? 6 : 0;
}

/** What the block (or a whole TIFF file) holds that is personal, read without changing or copying it (verify's warning). */
export function personalInExif(block: Buffer): PrivacyItem[] {
  return scrubExif(block, {}, true).removed;
}

/** Scrubs `block` (a TIFF structure, optionally after "Exif\0\0") in place; `dry`: only say what it would remove. */
export function scrubExif(block: Buffer, keep: KeepPersonal, dry = false): ExifScrub {
  const t = block.subarray(tiffStart(block));
  const order = t.length >= 8 ? t.toString('latin1', 0, 2) : '';
  if (order !== 'II' && order !== 'MM') return { removed: [], ok: false };
  const le = order === 'II';
  const u16 = (o: number) => (le ? t.readUInt16LE(o) : t.readUInt16BE(o));
  const u32 = (o: number) => (le ? t.readUInt32LE(o) : t.readUInt32BE(o));
  const w16 = (o: number, v: number) => (le ? t.writeUInt16LE(v, o) : t.writeUInt16BE(v, o));
  const w32 = (o: number, v: number) => (le ? t.writeUInt32LE(v, o) : t.writeUInt32BE(v, o));
  if (u16(2) !== 42) return { removed: [], ok: false };
  const removed: PrivacyItem[] = [];
  const visited = new Set<number>();
  // An IFD that cannot be walked (out of the block, looping, too long) may hold what we must remove: then the whole block goes.
  let broken = false;
  const inside = (at: number, size: number) => at >= 8 && size >= 0 && at + size <= t.length;
  const zero = (at: number, size: number) => {
    if (!dry && inside(at, size)) t.fill(0, at, at + size);
  };
  // An IFD longer than any camera writes is not walked (the block is then dropped whole): entries past the cap would stay unzeroed.
  const ifdOk = (at: number) => inside(at, 2) && !visited.has(at) && u16(at) <= MAX_ENTRIES && inside(at, 2 + u16(at) * 12 + 4);

  /** Every entry of an IFD: tag, where its value is, how large. */
  const entries = (ifd: number) => {
    const n = Math.min(u16(ifd), MAX_ENTRIES);
    return Array.from({ length: n }, (_, i) => {
      const e = ifd + 2 + i * 12;
      const size = (TYPE_SIZE[u16(e + 2)] ?? 1) * u32(e + 4);
      return { e, tag: u16(e), size, valueAt: size <= 4 ? e + 8 : u32(e + 8) };
    });
  };

  /** Zeroes an IFD we drop whole (GPS, IFD1): its values, its thumbnail or strips, then itself. */
  const dropIfd = (ifd: number) => {
    if (!ifdOk(ifd)) return void (broken ||= ifd !== 0);
    visited.add(ifd);
    const list = entries(ifd);
    const get = (tag: number) => list.find((x) => x.tag === tag);
    const thumbAt = get(0x201);
    const thumbLen = get(0x202);
    if (thumbAt && thumbLen) zero(u32(thumbAt.valueAt), u32(thumbLen.valueAt));
    const strips = get(0x111);
    const counts = get(0x117);
    if (strips && counts && strips.size === counts.size && strips.size <= 4 * 4096) {
      const step = strips.size / Math.max(1, u32(strips.e + 4));
      for (let i = 0; i < strips.size / step; i++) {
        const read = (x: typeof strips, at: number) => (step === 2 ? u16(x.valueAt + at) : u32(x.valueAt + at));
        zero(read(strips, i * step), read(counts, i * step));
      }
    }
    for (const x of list) if (x.size > 4) zero(x.valueAt, x.size);
    zero(ifd, 2 + list.length * 12 + 4);
  };

  /** Keeps the allowed entries of an IFD (compacted at its start), zeroes the rest; recurses into kept sub-IFDs. */
  const filterIfd = (ifd: number, allowed: Set<number>, walkInto: (tag: number, at: number) => void) => {
    if (!ifdOk(ifd)) return void (broken ||= ifd !== 0);
    visited.add(ifd);
    const list = entries(ifd);
    const next = u32(ifd + 2 + list.length * 12);
    const kept: Buffer[] = [];
    for (const x of list) {
      const personal = PERSONAL.get(x.tag);
      const keepIt = personal ? keptBy(personal[0], keep) : allowed.has(x.tag);
      if (personal && !keepIt) removed.push({ kind: personal[0], field: personal[1] });
      if (keepIt) {
        kept.push(Buffer.from(t.subarray(x.e, x.e + 12)));
        if (x.tag === EXIF_POINTER || x.tag === INTEROP_POINTER || x.tag === GPS_POINTER) walkInto(x.tag, u32(x.valueAt));
      } else if (x.tag === GPS_POINTER || x.tag === EXIF_POINTER || x.tag === INTEROP_POINTER) dropIfd(u32(x.valueAt));
      else if (x.size > 4) zero(x.valueAt, x.size);
    }
    const end = ifd + 2 + list.length * 12 + 4;
    if (!dry) {
      w16(ifd, kept.length);
      for (const [i, k] of kept.entries()) k.copy(t, ifd + 2 + i * 12);
      w32(ifd + 2 + kept.length * 12, next);
      t.fill(0, ifd + 2 + kept.length * 12 + 4, end);
    }
    return next;
  };

  const ifd0 = u32(4);
  const intoSub = (tag: number, at: number) => {
    if (tag === EXIF_POINTER) filterIfd(at, EXIF_KEEP, intoSub);
    // GPS (kept with keepLocation) and Interop IFDs are kept as they are.
  };
  if (!ifdOk(ifd0)) return { removed: [], ok: false };
  const ifd1 = filterIfd(ifd0, IFD0_KEEP, intoSub) ?? 0;
  if (ifd1) {
    const thumb = ifdOk(ifd1) && entries(ifd1).some((x) => x.tag === 0x201 || x.tag === 0x111);
    if (thumb) removed.push({ kind: 'embedded-preview', field: 'EXIF:ThumbnailImage' });
    dropIfd(ifd1);
    if (!dry) w32(ifd0 + 2 + u16(ifd0) * 12, 0);
  }
  return { removed: uniqueItems(removed), ok: !broken };
}
