/**
 * Reads the few EXIF fields the detectors need (Make, Model, Software, Artist,
 * ImageDescription, UserComment) from the raw EXIF block sharp returns. A full EXIF
 * library (or an exiftool round trip, ~14 ms) would cost more than the whole C2PA check.
 */
export interface ExifFields {
  make?: string;
  model?: string;
  software?: string;
  artist?: string;
  imageDescription?: string;
  copyright?: string;
  userComment?: string;
}

const IFD0_TAGS: Record<number, keyof ExifFields> = {
  271: 'make',
  272: 'model',
  305: 'software',
  315: 'artist',
  270: 'imageDescription',
  33432: 'copyright',
};
const EXIF_IFD_POINTER = 0x8769;
const USER_COMMENT = 0x9286;
const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1, 9: 4, 10: 8 };

export function readExif(block: Buffer | undefined): ExifFields {
  if (!block || block.length < 8) return {};
  const tiff = block.subarray(0, 6).toString('latin1') === 'Exif\0\0' ? block.subarray(6) : block;
  const order = tiff.subarray(0, 2).toString('latin1');
  if (order !== 'II' && order !== 'MM') return {};
  const le = order === 'II';
  const u16 = (o: number) => (le ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o));
  const u32 = (o: number) => (le ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o));
  const out: ExifFields = {};
  try {
    const walk = (ifd: number, visit: (tag: number, type: number, count: number, valueAt: number) => void) => {
      if (ifd <= 0 || ifd + 2 > tiff.length) return;
      const n = u16(ifd);
      for (let i = 0; i < n && ifd + 2 + i * 12 + 12 <= tiff.length; i++) {
        const e = ifd + 2 + i * 12;
        const type = u16(e + 2);
        const count = u32(e + 4);
        const size = (TYPE_SIZE[type] ?? 1) * count;
        visit(u16(e), type, count, size <= 4 ? e + 8 : u32(e + 8));
      }
    };
    let exifIfd = 0;
    walk(u32(4), (tag, type, count, at) => {
      const key = IFD0_TAGS[tag];
      if (key && type === 2) out[key] = ascii(tiff, at, count);
      if (tag === EXIF_IFD_POINTER) exifIfd = u32(at);
    });
    walk(exifIfd, (tag, _type, count, at) => {
      if (tag === USER_COMMENT) out.userComment = userComment(tiff.subarray(at, at + count));
    });
  } catch {
    // A damaged EXIF block yields what was read before the damage.
  }
  return out;
}

function ascii(b: Buffer, at: number, count: number): string | undefined {
  const s = trimNuls(b.subarray(at, at + count).toString('utf8')).trim();
  return s || undefined;
}

/** UserComment starts with an 8-byte charset code; Stable Diffusion web UIs write UNICODE (UTF-16). */
function userComment(b: Buffer): string | undefined {
  if (b.length <= 8) return undefined;
  const code = trimNuls(b.subarray(0, 8).toString('latin1'));
  const body = b.subarray(8, 8 + ((b.length - 8) & ~1));
  let s: string;
  if (code === 'UNICODE') {
    // Byte order is not declared; pick the one whose first character is printable ASCII.
    const be = body.length > 1 && body[0] === 0 && body[1] !== 0;
    s = be ? Buffer.from(body).swap16().toString('utf16le') : body.toString('utf16le');
  } else s = body.toString('utf8');
  s = trimNuls(s).trim();
  return s || undefined;
}

/**
 * Trailing NULs cut by a loop from the end: /\0+$/ retries from every NUL of a long run that
 * is followed by something else (a 60 KB field took seconds).
 */
function trimNuls(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0) end--;
  return s.slice(0, end);
}

/** Each text field copied out of a TIFF is cut here: enough for any caption or generator name. */
const MAX_TIFF_FIELD = 64 * 1024;

/**
 * A TIFF file's own IFD0 text fields (the ones above) copied into a small EXIF block, so that
 * only they, not the whole picture, go to the parse worker. Walks the IFD's entries only
 * (at most 65,535 × 12 bytes); their values are copied, not read.
 */
export function tiffTextBlock(file: Buffer): Buffer | undefined {
  const order = file.toString('latin1', 0, 2);
  if (file.length < 8 || (order !== 'II' && order !== 'MM')) return undefined;
  const le = order === 'II';
  const u16 = (o: number) => (le ? file.readUInt16LE(o) : file.readUInt16BE(o));
  const u32 = (o: number) => (le ? file.readUInt32LE(o) : file.readUInt32BE(o));
  const ifd = u32(4);
  if (ifd < 8 || ifd + 2 > file.length) return undefined;
  const values: [tag: number, value: Buffer][] = [];
  for (let i = 0, n = u16(ifd); i < n && ifd + 2 + i * 12 + 12 <= file.length; i++) {
    const e = ifd + 2 + i * 12;
    const tag = u16(e);
    if (!IFD0_TAGS[tag] || u16(e + 2) !== 2 || values.some(([t]) => t === tag)) continue;
    const count = u32(e + 4);
    const at = count <= 4 ? e + 8 : u32(e + 8);
    values.push([tag, file.subarray(at, Math.min(at + count, at + MAX_TIFF_FIELD, file.length))]);
  }
  if (!values.length) return undefined;
  // Little-endian TIFF: header, one IFD, then the values (each at least 5 bytes, so never inline).
  const dataAt = 8 + 2 + values.length * 12 + 4;
  const padded = values.map(([tag, v]) => [tag, Buffer.concat([v, Buffer.alloc(Math.max(1, 5 - v.length))])] as const);
  const out = Buffer.alloc(dataAt + padded.reduce((sum, [, v]) => sum + v.length, 0));
  out.write('II', 0, 'latin1');
  out.writeUInt16LE(42, 2);
  out.writeUInt32LE(8, 4);
  out.writeUInt16LE(padded.length, 8);
  let at = dataAt;
  padded.forEach(([tag, v], i) => {
    const e = 10 + i * 12;
    out.writeUInt16LE(tag, e);
    out.writeUInt16LE(2, e + 2);
    out.writeUInt32LE(v.length, e + 4);
    out.writeUInt32LE(at, e + 8);
    v.copy(out, at);
    at += v.length;
  });
  return out;
}
