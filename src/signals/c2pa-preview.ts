/**
 * What a page needs to draw a file's provenance as a picture: the active manifest's own
 * thumbnail and the ingredient tree (nested ingredients, each with its thumbnail and state).
 * Asked for by the Verify page only (REST `?preview=1`), after the report is made and recorded,
 * so the record and the CLI report stay as they are.
 *
 * Thumbnails are strings of the file's own choosing: each is re-encoded by sharp to a small
 * JPEG (at most 160 px, a few KB) from a recognised raster format, with a pixel limit, so a
 * report never carries an SVG, a script or a megabyte of base64.
 */
import { smallJpeg } from '../media/sharp.js';
import type { C2paSummary, Ingredient } from '../domain/report.js';
import { type ManifestReader, readManifest } from '../provenance/c2pa.js';

// biome-ignore lint/suspicious/noExplicitAny: c2pa-node's reader JSON is untyped; each field is checked where it is read.
type Json = Record<string, any>;

/** At most this many thumbnails and tree nodes per report, and this deep. */
export const PREVIEW_LIMITS = { nodes: 12, depth: 3, side: 160, rawBytes: 4 * 1024 * 1024, pixels: 16_000_000 } as const;

/** Adds `thumbnail` and nested `ingredients` to an image report's C2PA summary. Never throws: a preview is optional. */
export async function addPreview(c2pa: C2paSummary, bytes: Buffer, mimeType: string, trustAnchorsPem?: string): Promise<void> {
  if (c2pa.state === 'absent' || c2pa.state === 'remote' || c2pa.state === 'unreadable' || !mimeType.startsWith('image/')) return;
  try {
    const outcome = await readManifest(bytes, mimeType, { trustAnchorsPem });
    if (outcome.kind !== 'manifest') return;
    await previewFrom(outcome.reader, c2pa);
  } catch {
    /* the report stands without its pictures */
  }
}

async function previewFrom(reader: ManifestReader, c2pa: C2paSummary): Promise<void> {
  const store = reader.json() as Json;
  const manifests = (store.manifests ?? {}) as Record<string, Json>;
  const active = manifests[store.active_manifest ?? ''];
  if (!active) return;
  let budget = PREVIEW_LIMITS.nodes;
  const thumb = async (ref: Json | undefined): Promise<string | undefined> => {
    if (!ref?.identifier || budget <= 0) return undefined;
    budget--;
    return smallThumbnail(reader, String(ref.identifier));
  };
  const own = await thumb(active.thumbnail);
  if (own) c2pa.thumbnail = own;
  // The report's ingredients were made from the active manifest's, in the same order.
  const list = (active.ingredients ?? []) as Json[];
  const seen = new Set<string>([store.active_manifest]);
  const fill = async (target: Ingredient, source: Json, depth: number): Promise<void> => {
    const t = await thumb(source.thumbnail);
    if (t) target.thumbnail = t;
    const label = typeof source.active_manifest === 'string' ? source.active_manifest : undefined;
    const m = label && !seen.has(label) ? manifests[label] : undefined;
    if (!m || depth >= PREVIEW_LIMITS.depth || budget <= 0) return;
    seen.add(label!);
    const children: Ingredient[] = [];
    for (const child of ((m.ingredients ?? []) as Json[]).slice(0, budget)) {
      // Deeper ingredients carry the results recorded when they were added.
      const node = nestedIngredient(child);
      children.push(node);
      await fill(node, child, depth + 1);
    }
    if (children.length) target.ingredients = children;
  };
  const ingredients = c2pa.ingredients ?? [];
  for (let i = 0; i < ingredients.length && i < list.length; i++) await fill(ingredients[i], list[i], 1);
}

/** A resource of the manifest as a small JPEG data: URI, or undefined when it is not a picture we decode. */
async function smallThumbnail(reader: ManifestReader, identifier: string): Promise<string | undefined> {
  try {
    const out = await reader.resourceToAsset(identifier, { buffer: null });
    const raw = out.buffer;
    if (!raw || raw.length === 0 || raw.length > PREVIEW_LIMITS.rawBytes || !isRaster(raw)) return undefined;
    const jpeg = await smallJpeg(raw, { maxPixels: PREVIEW_LIMITS.pixels, side: PREVIEW_LIMITS.side, quality: 70 });
    return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
  } catch {
    return undefined;
  }
}

/** JPEG, PNG, WebP, GIF or AVIF/HEIF by their first bytes; never SVG or anything else. */
function isRaster(b: Buffer): boolean {
  if (b.length < 12) return false;
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return true;
  if (b.readUInt32BE(0) === 0x89504e47) return true;
  const ascii = (from: number, to: number) => b.toString('latin1', from, to);
  return (
    (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') || ascii(0, 4) === 'GIF8' || (ascii(4, 8) === 'ftyp' && /^(avi[fs]|heic|heix|mif1)$/.test(ascii(8, 12)))
  );
}

/** A nested ingredient as its parent recorded it when it was added (the SDK re-validates only the active manifest's own). */
function nestedIngredient(i: Json): Ingredient {
  const codes = ((i.validation_results?.activeManifest?.failure ?? i.validation_status ?? []) as Json[]).map((s) => String(s.code));
  const trusted = ((i.validation_results?.activeManifest?.success ?? []) as Json[]).some((s) => s.code === 'signingCredential.trusted');
  const state = !i.active_manifest ? 'absent' : codes.some((c) => c !== 'signingCredential.untrusted') ? 'invalid' : trusted ? 'trusted' : 'valid';
  const node: Ingredient = { state, codes: [...new Set(codes)] };
  if (typeof i.title === 'string') node.title = i.title;
  if (typeof i.relationship === 'string') node.relationship = i.relationship;
  if (typeof i.active_manifest === 'string') node.activeManifest = i.active_manifest;
  return node;
}
