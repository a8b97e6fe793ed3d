/**
 * Personal data inside a C2PA manifest store: cameras and editors may sign EXIF into the
 * manifest itself (`stds.exif`, `c2pa.metadata`: GPS position, body and lens serial numbers,
 * the owner's name), and a prompt may be signed in (our `kz.labeller.ai-prompt`). Read from
 * every manifest of the store (the active one and its ingredients'), as the reader's JSON has
 * them; named by manifest assertion and key, never by value. A clean copy cannot remove these:
 * they are signed by someone else and travel inside the parent ingredient (README).
 */
import type { PrivacyItem, PrivacyKind } from '../domain/personal-data.js';
import { uniqueItems } from '../domain/personal-data.js';
import { PROMPT_ASSERTION } from '../provenance/manifest.js';

/** Keys of EXIF-in-JSON-LD (C2PA's stds.exif / c2pa.metadata), by their local name. */
const KEYS: Record<string, PrivacyKind> = {
  GPSLatitude: 'location',
  GPSLongitude: 'location',
  GPSAltitude: 'location',
  GPSPosition: 'location',
  LocationCreated: 'location',
  LocationShown: 'location',
  City: 'location',
  BodySerialNumber: 'serial-number',
  SerialNumber: 'serial-number',
  LensSerialNumber: 'serial-number',
  CameraOwnerName: 'owner-name',
  OwnerName: 'owner-name',
  ImageUniqueID: 'device-id',
  AIPromptInformation: 'prompt',
};
const METADATA_LABELS = ['stds.exif', 'c2pa.metadata', 'stds.iptc', 'stds.iptc.photo-metadata'];
const MAX_MANIFESTS = 64;
const MAX_KEYS = 512;

// biome-ignore lint/suspicious/noExplicitAny: c2pa-node's reader JSON is untyped; each field is checked where it is read.
type Json = Record<string, any>;

export function personalInStore(store: Json): PrivacyItem[] {
  const items: PrivacyItem[] = [];
  const manifests = Object.values((store.manifests ?? {}) as Record<string, Json>).slice(0, MAX_MANIFESTS);
  for (const m of manifests) {
    for (const a of ((m?.assertions ?? []) as Json[]).slice(0, MAX_KEYS)) {
      const label = typeof a?.label === 'string' ? a.label : '';
      if (label === PROMPT_ASSERTION) items.push({ kind: 'prompt', field: `C2PA:${PROMPT_ASSERTION}` });
      if (!METADATA_LABELS.some((l) => label === l || label.startsWith(`${l}.`)) || !a.data || typeof a.data !== 'object') continue;
      for (const key of Object.keys(a.data).slice(0, MAX_KEYS)) {
        const kind = KEYS[key.slice(key.indexOf(':') + 1)];
        if (kind) items.push({ kind, field: `C2PA:${label}/${key}` });
      }
    }
  }
  return uniqueItems(items);
}
