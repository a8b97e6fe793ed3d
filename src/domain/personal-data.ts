/**
 * Personal data in image metadata: what a label removes by default, what verify warns editors
 * about (source protection), and the two switches that opt back in. One list, so the README,
 * the scrubbers (media/exif-scrub.ts, media/iim-scrub.ts) and the verify report agree.
 */

/** Kinds of personal data, in the order the report and the README name them. */
export const PRIVACY_KINDS = ['location', 'serial-number', 'owner-name', 'device-id', 'maker-notes', 'embedded-preview', 'editing-history', 'prompt'] as const;
export type PrivacyKind = (typeof PRIVACY_KINDS)[number];

/** One field found (verify) or removed (label, clean): never its value, which would spread it further. */
export interface PrivacyItem {
  kind: PrivacyKind;
  /** Where, in ExifTool's group:name spelling: `EXIF:GPSLatitude`, `XMP:xmpMM:History`, `IPTC:City`. */
  field: string;
}

/** What a caller keeps: location (GPS, IPTC city…) and camera (serial numbers, owner, maker notes, device and image ids). */
export interface KeepPersonal {
  location?: boolean;
  camera?: boolean;
}

/** Whether an item of this kind is kept under these switches. Embedded previews and editing history never are. */
export function keptBy(kind: PrivacyKind, keep: KeepPersonal): boolean {
  if (kind === 'location') return !!keep.location;
  if (kind === 'serial-number' || kind === 'owner-name' || kind === 'maker-notes' || kind === 'device-id') return !!keep.camera;
  return false;
}

/** Distinct items, first seen first (a field found in two blocks is named once per block). */
export function uniqueItems(items: PrivacyItem[]): PrivacyItem[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    const k = `${i.kind}\u0000${i.field}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * A label's prompt and its writer. Kept by the record outside the hash chain (the chain covers a
 * salted hash, data.promptHash) so it can be erased; in the file only with embedPrompt.
 */
export interface PromptText {
  text: string;
  writer?: string;
}
