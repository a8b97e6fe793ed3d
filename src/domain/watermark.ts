/**
 * The invisible watermark's words: what its 64 bits carry and how they are checked. The
 * pixels' side (pattern, embedding, detection) is in src/label/watermark/.
 *
 * Payload, most significant first: version (4 bits) | issuer (12) | mark id (24) | CRC-24 (24).
 * The mark id is the key into the record (drawn before the pixels are signed, stored with the
 * label record); the issuer is a short id of the signing organisation. A detector accepts a
 * decoded word only when the version is ours and the CRC-24 over the first 40 bits matches:
 * 28 fixed bits, so a random word passes with probability 2⁻²⁸ (README, "Invisible watermark").
 */

/** Our soft-binding algorithm identifier (not on the C2PA list; documented in the README). */
export const WATERMARK_ALG = 'kz.labeller.wm.ss1';
export const WATERMARK_VERSION = 1;
export const MARK_ID_BITS = 24;
export const ISSUER_BITS = 12;

export interface WatermarkPayload {
  issuer: number;
  markId: number;
}

/** What the detector found in a picture (all numbers plain, so it crosses a worker thread). */
export interface WatermarkFinding {
  issuer: number;
  markId: number;
  /** Tile period found, in the detector's pixels (128 = the size the mark was made at). */
  period: number;
  /** The sync correlation peak, in standard deviations of the correlation plane. */
  syncZ: number;
  /** Share of coded bits whose hard decision disagrees with the re-encoded word (before correction). */
  bitErrorRate: number;
}

/** The labelled record's note of its watermark (LabelRecord.watermark). */
export interface WatermarkNote {
  alg: string;
  issuer: number;
  markId: number;
}

/** CRC-24/OpenPGP (polynomial 0x864CFB, init 0xB704CE) over bits given most significant first. */
export function crc24(bits: readonly number[]): number {
  let crc = 0xb704ce;
  for (const b of bits) {
    const top = ((crc >>> 23) & 1) ^ (b & 1);
    crc = (crc << 1) & 0xffffff;
    if (top) crc ^= 0x864cfb;
  }
  return crc;
}

function pushBits(out: number[], value: number, n: number): void {
  for (let i = n - 1; i >= 0; i--) out.push(Math.floor(value / 2 ** i) & 1);
}

function readBits(bits: readonly number[], from: number, n: number): number {
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 2 + (bits[from + i] & 1);
  return v;
}

/** The 64 payload bits, most significant first. */
export function packPayload(p: WatermarkPayload): number[] {
  if (!Number.isInteger(p.markId) || p.markId < 0 || p.markId >= 2 ** MARK_ID_BITS) throw new RangeError('mark id out of range');
  const bits: number[] = [];
  pushBits(bits, WATERMARK_VERSION, 4);
  pushBits(bits, p.issuer & (2 ** ISSUER_BITS - 1), ISSUER_BITS);
  pushBits(bits, p.markId, MARK_ID_BITS);
  pushBits(bits, crc24(bits), 24);
  return bits;
}

/** The payload of 64 decoded bits, or undefined when the version or the check value is wrong. */
export function unpackPayload(bits: readonly number[]): WatermarkPayload | undefined {
  if (bits.length !== 64) return undefined;
  if (readBits(bits, 0, 4) !== WATERMARK_VERSION) return undefined;
  if (readBits(bits, 40, 24) !== crc24(bits.slice(0, 40))) return undefined;
  return { issuer: readBits(bits, 4, ISSUER_BITS), markId: readBits(bits, 16, MARK_ID_BITS) };
}

/** The issuer id of an organisation name: 12 bits of FNV-1a, shown as 3 hex digits. */
export function issuerOf(organisation: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < organisation.length; i++) {
    h ^= organisation.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h ^ (h >>> 12) ^ (h >>> 24)) & 0xfff;
}

export function issuerHex(issuer: number): string {
  return issuer.toString(16).padStart(3, '0');
}

export function markHex(markId: number): string {
  return markId.toString(16).padStart(6, '0');
}

/** The soft-binding value: version, issuer and mark id, as `1.abc.00f00d`. */
export function watermarkValue(n: { issuer: number; markId: number }): string {
  return `${WATERMARK_VERSION}.${issuerHex(n.issuer)}.${markHex(n.markId)}`;
}

/** The second c2pa.soft-binding assertion: our algorithm, its value over the whole asset. */
export function watermarkSoftBinding(n: WatermarkNote): { label: string; data: Record<string, unknown> } {
  return {
    label: 'c2pa.soft-binding',
    data: { alg: n.alg, name: 'Keyed spread-spectrum luminance watermark (kz.labeller)', blocks: [{ scope: {}, value: watermarkValue(n) }], pad: [] },
  };
}

/** C2PA's action for an invisible watermark inserted for a soft binding. */
export function watermarkedAction(agent: { name: string; version: string }): Record<string, unknown> {
  return { action: 'c2pa.watermarked', softwareAgent: agent, description: 'Invisible watermark (issuer and record key) added to the luminance' };
}
