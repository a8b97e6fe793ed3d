/**
 * Reads the IPTC-IIM application records (2:xx) a newsroom's tools write: caption, headline,
 * by-line, credit, source, copyright, keywords. IIM is a flat list of records, each
 * 0x1C, record, dataset, length, value. JPEG carries it in APP13 as a Photoshop image resource
 * ("Photoshop 3.0\0", 8BIM resources, IIM in resource 0x0404); TIFF as raw records (tag 33723);
 * PNG, from ExifTool or ImageMagick, as a hex "Raw profile type iptc" text chunk. One pass over
 * each, no regex: the block may be hostile.
 */
export const IIM = {
  objectName: 5,
  keywords: 25,
  byline: 80,
  headline: 105,
  credit: 110,
  source: 115,
  copyright: 116,
  caption: 120,
} as const;

/** Values kept per dataset: Keywords and By-line repeat, the others appear once. */
const MAX_REPEATS = 256;
const WANTED: ReadonlySet<number> = new Set(Object.values(IIM));
const PHOTOSHOP = 'Photoshop 3.0\0';
const IPTC_RESOURCE = 0x0404;

/** Record 2's wanted datasets → their values, from any of the three carriers above. */
export function readIim(block: Buffer | undefined): Map<number, string[]> {
  const out = new Map<number, string[]>();
  if (!block?.length) return out;
  const records = block[0] === 0x1c ? block : iptcResource(block);
  if (!records) return out;
  const raw: [number, Buffer][] = [];
  let utf8 = false;
  for (let at = 0; at + 5 <= records.length && records[at] === 0x1c; ) {
    const record = records[at + 1];
    const dataset = records[at + 2];
    let size = records.readUInt16BE(at + 3);
    at += 5;
    if (size & 0x8000) {
      // Extended dataset: the low 15 bits count the bytes that hold the length.
      const n = size & 0x7fff;
      if (n > 4 || at + n > records.length) break;
      size = 0;
      for (let i = 0; i < n; i++) size = size * 256 + records[at + i];
      at += n;
    }
    const value = records.subarray(at, Math.min(at + size, records.length));
    at += size;
    // 1:90 CodedCharacterSet: ESC % G declares UTF-8.
    if (record === 1 && dataset === 90) utf8 = value.includes(Buffer.from([0x1b, 0x25, 0x47]));
    if (record === 2 && WANTED.has(dataset) && raw.length < MAX_REPEATS * WANTED.size) raw.push([dataset, value]);
  }
  for (const [dataset, value] of raw) {
    const list = out.get(dataset) ?? [];
    const text = trim(decode(value, utf8));
    if (text && list.length < MAX_REPEATS) list.push(text);
    out.set(dataset, list);
  }
  return out;
}

/** The IIM block inside Photoshop image resources (with or without the "Photoshop 3.0" header). */
function iptcResource(b: Buffer): Buffer | undefined {
  let at = b.toString('latin1', 0, PHOTOSHOP.length) === PHOTOSHOP ? PHOTOSHOP.length : 0;
  while (at + 12 <= b.length && b.toString('latin1', at, at + 4) === '8BIM') {
    const id = b.readUInt16BE(at + 4);
    // A Pascal name, padded to an even length with its length byte.
    const nameLength = b[at + 6];
    let p = at + 6 + 1 + nameLength + ((1 + nameLength) & 1);
    if (p + 4 > b.length) return undefined;
    const size = b.readUInt32BE(p);
    p += 4;
    if (id === IPTC_RESOURCE) return b.subarray(p, Math.min(p + size, b.length));
    at = p + size + (size & 1);
  }
  return undefined;
}

/** The bytes of a PNG "Raw profile type …" text: "\n<name>\n<length>\n<hex digits, wrapped>". */
export function rawProfileBytes(text: string): Buffer | undefined {
  const nameEnd = text.indexOf('\n', 1);
  const lengthEnd = nameEnd < 0 ? -1 : text.indexOf('\n', nameEnd + 1);
  if (lengthEnd < 0) return undefined;
  const declared = Number.parseInt(text.slice(nameEnd + 1, lengthEnd).trim(), 10);
  if (!(declared > 0)) return undefined;
  const out = Buffer.alloc(Math.min(declared, Math.floor((text.length - lengthEnd) / 2)));
  let n = 0;
  let high = -1;
  for (let i = lengthEnd + 1; i < text.length && n < out.length; i++) {
    const d = hexDigit(text.charCodeAt(i));
    if (d < 0) continue; // line breaks and spaces between the digits
    if (high < 0) high = d;
    else {
      out[n++] = high * 16 + d;
      high = -1;
    }
  }
  return out.subarray(0, n);
}

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 when declared or when the bytes are valid UTF-8 (most writers today), else Latin-1 (IIM's old default). */
function decode(b: Buffer, utf8: boolean): string {
  if (utf8) return b.toString('utf8');
  try {
    return strictUtf8.decode(b);
  } catch {
    return b.toString('latin1');
  }
}

/** Spaces and NULs around a value, cut by loops (no regex over a value that may be megabytes). */
function trim(s: string): string {
  let start = 0;
  let end = s.length;
  const blank = (c: number) => c === 0 || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
  while (start < end && blank(s.charCodeAt(start))) start++;
  while (end > start && blank(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}
