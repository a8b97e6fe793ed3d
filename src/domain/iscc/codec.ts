/**
 * The ISCC code format (ISO 24138): a header of four variable-length nibble fields (main type,
 * subtype, version, length), then the digest, in RFC 4648 base32 without padding, after
 * "ISCC:". Only single units (one Content-, Data- or Instance-Code) are handled here.
 */

export const MainType = { META: 0, SEMANTIC: 1, CONTENT: 2, DATA: 3, INSTANCE: 4, ISCC: 5 } as const;
/** Subtypes of a Content-Code. */
export const ContentType = { TEXT: 0, IMAGE: 1, AUDIO: 2, VIDEO: 3, MIXED: 4 } as const;

export interface IsccUnit {
  mainType: number;
  subType: number;
  version: number;
  /** Digest length in bits. */
  bits: number;
  digest: Uint8Array;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let acc = 0;
  let n = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    n += 8;
    while (n >= 5) {
      n -= 5;
      out += ALPHABET[(acc >>> n) & 31];
    }
    acc &= (1 << n) - 1;
  }
  if (n > 0) out += ALPHABET[(acc << (5 - n)) & 31];
  return out;
}

/** undefined for a character outside the alphabet or a string that is not whole bytes. */
export function base32Decode(s: string): Uint8Array | undefined {
  const out: number[] = [];
  let acc = 0;
  let n = 0;
  for (const ch of s.toUpperCase()) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return undefined;
    acc = ((acc << 5) | v) & 0xfff;
    n += 5;
    if (n >= 8) {
      n -= 8;
      out.push((acc >>> n) & 0xff);
    }
  }
  // Leftover bits must be padding zeros of fewer than 5 bits.
  if (n >= 5 || (acc & ((1 << n) - 1)) !== 0) return undefined;
  return Uint8Array.from(out);
}

/** A value as a variable-length nibble run: 0–7 in 4 bits, 8–71 in 8, 72–583 in 12, 584–4679 in 16. */
function varnibble(v: number): string {
  if (v < 8) return v.toString(2).padStart(4, '0');
  if (v < 72) return `10${(v - 8).toString(2).padStart(6, '0')}`;
  if (v < 584) return `110${(v - 72).toString(2).padStart(9, '0')}`;
  if (v < 4680) return `1110${(v - 584).toString(2).padStart(12, '0')}`;
  throw new RangeError(`${v} does not fit a varnibble`);
}

function readVarnibble(bits: string, at: number): [value: number, next: number] | undefined {
  const take = (len: number) => (at + len <= bits.length ? parseInt(bits.slice(at, at + len), 2) : undefined);
  if (bits[at] === '0') {
    const v = take(4);
    return v === undefined ? undefined : [v, at + 4];
  }
  for (const [prefix, len, base] of [
    ['10', 8, 8],
    ['110', 12, 72],
    ['1110', 16, 584],
  ] as const) {
    if (bits.startsWith(prefix, at)) {
      const v = take(len);
      return v === undefined ? undefined : [(v & ((1 << (len - prefix.length)) - 1)) + base, at + len];
    }
  }
  return undefined;
}

/** Header length field of a Content-, Data- or Instance-Code: the number of 32-bit blocks minus one. */
function lengthField(bits: number): number {
  if (bits < 32 || bits % 32 !== 0 || bits > 256) throw new RangeError(`an ISCC unit has 32…256 bits in steps of 32, not ${bits}`);
  return bits / 32 - 1;
}

/** "ISCC:" + base32(header + the first bits/8 bytes of the digest). */
export function encodeUnit(mainType: number, subType: number, version: number, bits: number, digest: Uint8Array): string {
  if (digest.length * 8 < bits) throw new RangeError(`digest of ${digest.length * 8} bits is shorter than ${bits}`);
  let header = varnibble(mainType) + varnibble(subType) + varnibble(version) + varnibble(lengthField(bits));
  if (header.length % 8) header += '0000';
  const head = Uint8Array.from({ length: header.length / 8 }, (_, i) => parseInt(header.slice(i * 8, i * 8 + 8), 2));
  const body = new Uint8Array(head.length + bits / 8);
  body.set(head);
  body.set(digest.subarray(0, bits / 8), head.length);
  return `ISCC:${base32Encode(body)}`;
}

/** Parses one unit ("ISCC:" optional, case-insensitive); undefined when it is not a well-formed Content/Data/Instance unit. */
export function decodeUnit(code: string): IsccUnit | undefined {
  const s = code.trim();
  const b32 = s.slice(0, 5).toUpperCase() === 'ISCC:' ? s.slice(5) : s;
  if (b32.length < 4 || b32.length > 64) return undefined;
  const bytes = base32Decode(b32);
  if (!bytes || bytes.length < 2) return undefined;
  const bits = Array.from(bytes.subarray(0, Math.min(bytes.length, 8)), (b) => b.toString(2).padStart(8, '0')).join('');
  const fields: number[] = [];
  let at = 0;
  for (let i = 0; i < 4; i++) {
    const r = readVarnibble(bits, at);
    if (!r) return undefined;
    fields.push(r[0]);
    at = r[1];
  }
  const headerBytes = Math.ceil(at / 8);
  const [mainType, subType, version, length] = fields;
  if (mainType !== MainType.CONTENT && mainType !== MainType.DATA && mainType !== MainType.INSTANCE) return undefined;
  const unitBits = (length + 1) * 32;
  const digest = bytes.subarray(headerBytes);
  if (digest.length * 8 !== unitBits) return undefined;
  return { mainType, subType, version, bits: unitBits, digest: Uint8Array.from(digest) };
}

/** Bits that differ between two digests over the shorter one's length (shorter codes are prefixes of longer ones). */
export function digestDistance(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    let x = a[i] ^ b[i];
    while (x) {
      x &= x - 1;
      d++;
    }
  }
  return d;
}

/** Hamming distance of two codes of the same kind (main type, subtype, version); undefined when they cannot be compared. */
export function codeDistance(a: string, b: string): number | undefined {
  const x = decodeUnit(a);
  const y = decodeUnit(b);
  if (!x || !y || x.mainType !== y.mainType || x.subType !== y.subType || x.version !== y.version) return undefined;
  return digestDistance(x.digest, y.digest);
}

/** The first 64 bits of a digest as 16 hex digits (what the record's band index takes). */
export function digestHex64(digest: Uint8Array): string {
  return Array.from(digest.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join('');
}
