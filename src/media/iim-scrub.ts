/**
 * Removes personal data from a JPEG's Photoshop segment (APP13 "Photoshop 3.0"): only the
 * IPTC-IIM resource (0x0404, the newsroom's by-line, credit, copyright, caption…) and the
 * resolution (0x03ED) stay; the IIM location datasets (city, sub-location, province, country)
 * go unless keepLocation; Photoshop's thumbnail (an embedded preview) and every other resource
 * (paths, slices, the IIM digest that no longer matches) go always.
 */
import { keptBy, uniqueItems, type KeepPersonal, type PrivacyItem } from '../domain/personal-data.js';

const HEADER = 'Photoshop 3.0\0';
const IIM = 0x0404;
const RESOLUTION = 0x03ed;
const THUMBNAILS = new Set([0x0409, 0x040c]);
/** Record 2 datasets naming a place, as ExifTool names them. */
const LOCATION: Record<number, string> = {
  26: 'IPTC:ContentLocationCode',
  27: 'IPTC:ContentLocationName',
  90: 'IPTC:City',
  92: 'IPTC:Sub-location',
  95: 'IPTC:Province-State',
  100: 'IPTC:Country-PrimaryLocationCode',
  101: 'IPTC:Country-PrimaryLocationName',
};

interface Resource {
  id: number;
  /** The whole resource as stored (signature, id, name, size, data, padding). */
  raw: Buffer;
  data: Buffer;
}

/** The resources of a Photoshop segment's payload (after the marker and length); undefined when malformed. */
function resources(payload: Buffer): Resource[] | undefined {
  if (payload.toString('latin1', 0, HEADER.length) !== HEADER) return undefined;
  const out: Resource[] = [];
  let at = HEADER.length;
  while (at + 12 <= payload.length) {
    if (payload.toString('latin1', at, at + 4) !== '8BIM') return undefined;
    const id = payload.readUInt16BE(at + 4);
    const nameLen = payload[at + 6];
    const sizeAt = at + 6 + ((nameLen + 2) & ~1);
    if (sizeAt + 4 > payload.length) return undefined;
    const size = payload.readUInt32BE(sizeAt);
    const end = sizeAt + 4 + size + (size & 1);
    if (sizeAt + 4 + size > payload.length) return undefined;
    out.push({ id, raw: payload.subarray(at, Math.min(end, payload.length)), data: payload.subarray(sizeAt + 4, sizeAt + 4 + size) });
    at = end;
  }
  return out;
}

/** IIM datasets: [record, dataset, whole dataset bytes]; extended-length datasets end the walk (never personal here). */
function datasets(iim: Buffer): { record: number; ds: number; raw: Buffer }[] {
  const out: { record: number; ds: number; raw: Buffer }[] = [];
  let at = 0;
  while (at + 5 <= iim.length && iim[at] === 0x1c) {
    const size = iim.readUInt16BE(at + 3);
    if (size & 0x8000) break;
    const end = at + 5 + size;
    if (end > iim.length) break;
    out.push({ record: iim[at + 1], ds: iim[at + 2], raw: iim.subarray(at, end) });
    at = end;
  }
  return out;
}

/** What a Photoshop payload holds that is personal (verify's warning). */
export function personalInPhotoshop(payload: Buffer): PrivacyItem[] {
  return scrubPhotoshop(payload, {}).removed;
}

/**
 * The scrubbed payload ("Photoshop 3.0\0" + resources), or undefined when nothing is left to
 * keep (or the payload cannot be walked: then it is dropped whole).
 */
export function scrubPhotoshop(payload: Buffer, keep: KeepPersonal): { payload?: Buffer; removed: PrivacyItem[] } {
  const list = resources(payload);
  if (!list) return { removed: [] };
  const removed: PrivacyItem[] = [];
  const kept: Buffer[] = [];
  for (const r of list) {
    if (THUMBNAILS.has(r.id)) removed.push({ kind: 'embedded-preview', field: 'Photoshop:PhotoshopThumbnail' });
    if (r.id === RESOLUTION) kept.push(r.raw);
    if (r.id !== IIM) continue;
    const sets = datasets(r.data).filter((d) => {
      const place = d.record === 2 ? LOCATION[d.ds] : undefined;
      if (!place || keptBy('location', keep)) return true;
      removed.push({ kind: 'location', field: place });
      return false;
    });
    if (sets.length) kept.push(resource(IIM, Buffer.concat(sets.map((d) => d.raw))));
  }
  return { payload: kept.length ? Buffer.concat([Buffer.from(HEADER, 'latin1'), ...kept]) : undefined, removed: uniqueItems(removed) };
}

function resource(id: number, data: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.write('8BIM', 0, 'latin1');
  head.writeUInt16BE(id, 4);
  // Empty Pascal name, padded to even: two zero bytes (already zero).
  head.writeUInt32BE(data.length, 8);
  return Buffer.concat([head, data, Buffer.alloc(data.length & 1)]);
}
