/**
 * The one door to sharp (libvips): every decode, render and encode goes through here, with the
 * decoding guards (limitInputPixels, failOn) and sharp's errors turned into LabellerErrors.
 *
 * Counters of what was decoded, and at which size, are kept for the tests: a labelled JPEG
 * costs one header read, one full-size decode (the labelled output) and one shrink-on-load
 * decode (thumbnail and fingerprint pixels).
 */
import sharp, { type OutputInfo, type OverlayOptions, type Sharp } from 'sharp';
import { LabellerError, errorMessage } from '../domain/errors.js';
import { insertSegments, metadataSegments } from './jpeg-segments.js';
import { addLumaDelta, deltaPlanes, type DeltaLayer } from './luma-delta.js';
import type { ImageFormat } from './sniff.js';

/** libvips' decoders that can decode at 1/2, 1/4, 1/8 of the size (JPEG DCT scaling, WebP scaled decode). */
const SHRINK_ON_LOAD = new Set<string>(['jpeg', 'webp']);

export interface DecodeCounts {
  /** Header reads (no pixels decoded). */
  header: number;
  /** Decodes of the whole picture at full size. */
  full: number;
  /** Decodes at a reduced size (shrink-on-load). */
  reduced: number;
  /** Decodes for a fingerprint of bytes (a copy to trace; never needed while labelling). */
  fingerprint: number;
}

const counts: DecodeCounts = { header: 0, full: 0, reduced: 0, fingerprint: 0 };

/** What was decoded since the last reset (for tests of the structure that keeps labelling fast). */
export function decodeCounts(): DecodeCounts {
  return { ...counts };
}

/** Grid pipelines (greyGrid) run since the last reset: shared regions are made once. */
let gridsMade = 0;

export function gridPipelines(): number {
  return gridsMade;
}

export function resetDecodeCounts(): void {
  counts.header = counts.full = counts.reduced = counts.fingerprint = 0;
  gridsMade = 0;
}

/** Guards for every pixel decode: a pixel bomb is refused, a truncated or damaged file too. */
function open(bytes: Buffer, maxPixels: number, failOn: 'warning' | 'error' = 'warning'): Sharp {
  return sharp(bytes, { limitInputPixels: maxPixels, failOn, sequentialRead: true });
}

/** sharp's messages name libvips internals; keep the part an editor can use. */
export function shortReason(err: unknown): string {
  const msg = errorMessage(err).split('\n')[0];
  // A decode warning under failOn 'warning' means damaged data; libvips' warning text itself is
  // global and, with two decodes at once, may be taken by the other one: only this line is left.
  if (/premature end|truncat|unexpected end|end of file|not enough data|read error|bad seek|IDAT|Input buffer|warning treated as error/i.test(msg))
    return 'the file is truncated or damaged';
  if (/unsupported image format/i.test(msg)) return 'unrecognised image data';
  if (/pixel limit/i.test(msg)) return 'too many pixels';
  return msg.replace(/^(Input|VipsJpeg|VipsForeign\w*|vips\w*):\s*/i, '').slice(0, 160);
}

function decodeFailed(what: string, err: unknown): LabellerError {
  if (err instanceof LabellerError) return err;
  if (/pixel limit/i.test(errorMessage(err))) return new LabellerError('too_many_pixels', `the ${what} has more pixels than allowed`, { cause: err });
  return new LabellerError('corrupt_input', `the ${what} cannot be decoded (${shortReason(err)})`, { cause: err });
}

// ---------------------------------------------------------------- header

export interface ImageHeader {
  /** Stored size (before EXIF orientation). */
  width?: number;
  height?: number;
  orientation: number;
  pages: number;
  hasAlpha: boolean;
  channels: number;
  /** libvips' interpretation: 'srgb', 'cmyk', 'b-w'... */
  space?: string;
  /** Whether an ICC profile is embedded. */
  hasProfile: boolean;
  /** libvips' band format: 'uchar' for 8 bits a channel. */
  depth?: string;
  /** Pixels per inch, when the file says. */
  density?: number;
  exif?: Buffer;
  xmp?: Buffer;
  iptc?: Buffer;
}

/** The header alone, no pixels: size, orientation, metadata blocks. `{ error }` says why it cannot be read. */
export async function readHeader(bytes: Buffer): Promise<ImageHeader | { error: string }> {
  counts.header++;
  try {
    const m = await sharp(bytes, { limitInputPixels: false }).metadata();
    return {
      width: m.width,
      height: m.height,
      orientation: m.orientation ?? 1,
      pages: m.pages ?? 1,
      hasAlpha: !!m.hasAlpha,
      channels: m.channels ?? 0,
      space: m.space,
      hasProfile: !!m.hasProfile,
      depth: m.depth,
      density: m.density,
      exif: m.exif,
      xmp: m.xmp,
      iptc: m.iptc,
    };
  } catch (err) {
    return { error: shortReason(err) };
  }
}

// ---------------------------------------------------------------- rendering the mark

export interface RenderedText {
  png: Buffer;
  width: number;
  height: number;
}

/** Pango text, white, in the given font file, wrapped to `wrapWidth` when > 0. `markup` is already escaped. */
export async function renderText(o: { markup: string; font: string; fontfile: string; wrapWidth: number; align: 'left' | 'centre' }): Promise<RenderedText> {
  const rendered = sharp({
    text: {
      text: `<span foreground="white">${o.markup}</span>`,
      font: o.font,
      fontfile: o.fontfile,
      rgba: true,
      dpi: 72,
      align: o.align,
      ...(o.wrapWidth > 0 ? { width: o.wrapWidth, wrap: 'word' as const } : {}),
    },
  })
    .png()
    .toBuffer({ resolveWithObject: true });
  // Pango refuses some wording (characters XML cannot hold): the caller's text, not our fault.
  const { data, info } = await rendered.catch((err: unknown) => {
    throw new LabellerError('bad_option', `the warning text cannot be drawn (${shortReason(err)})`);
  });
  return { png: data, width: info.width, height: info.height };
}

export interface Rgba {
  r: number;
  g: number;
  b: number;
  alpha: number;
}

/** A filled box with a picture (the text) on it, as PNG. */
export function boxWith(width: number, height: number, background: Rgba, overlay: Buffer, left: number, top: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background } })
    .composite([{ input: overlay, left, top }])
    .png({ compressionLevel: 1 })
    .toBuffer();
}

/** An RGBA PNG scaled to exactly width × height. */
export function scalePng(png: Buffer, width: number, height: number): Promise<Buffer> {
  return sharp(png).resize(width, height, { fit: 'fill' }).png().toBuffer();
}

// ---------------------------------------------------------------- labelling

export interface Edges {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export interface LabelPixels {
  format: ImageFormat;
  maxPixels: number;
  /** Whether the input has an alpha channel (an opaque one gets none from the mark's blend). */
  hasAlpha: boolean;
  /** Canvas added around the picture (before the mark is placed), and its colour. */
  extend?: Edges;
  extendColour: Rgba;
  /** The mark, placed on the (extended) upright canvas. */
  mark: { png: Buffer; left: number; top: number };
}

function encoderFor(img: Sharp, format: ImageFormat, quality: number): Sharp {
  switch (format) {
    case 'jpeg':
      return img.jpeg({ quality });
    case 'png':
      return img.png({ compressionLevel: 6 });
    case 'webp':
      return img.webp({ quality });
    case 'avif':
      return img.avif({ quality: Math.min(quality, 75) });
    case 'tiff':
      // Tiled: c2pa-rs stores the manifest in a second IFD, and libvips (failOn: 'warning', its
      // default) rejects a stripped TIFF laid out that way but reads a tiled one cleanly.
      return img.tiff({ compression: 'lzw', tile: true });
  }
}

/**
 * The labelled picture at full size: decode once, turn upright, extend, burn in the mark,
 * encode in the input's format with the new XMP packet, keeping EXIF, the ICC profile and (JPEG) IPTC.
 */
export async function encodeLabelled(input: Buffer, p: LabelPixels, o: { xmp: string; quality: number }, watermark?: WatermarkLayer): Promise<Buffer> {
  counts.full++;
  let img = open(input, p.maxPixels).rotate();
  // sharp applies extend before composite, so the mark can sit on the added band.
  if (p.extend) img = img.extend({ ...p.extend, background: { ...p.extendColour, alpha: 1 } });
  img = img.composite([{ input: p.mark.png, left: p.mark.left, top: p.mark.top }, ...(watermark ? deltaInputs(watermark) : [])]);
  // libvips' composite gives every picture an alpha channel: an opaque one keeps none.
  if (!p.hasAlpha) img = img.removeAlpha();
  // EXIF and the ICC profile; a JPEG also its IPTC segment. The personal fields in them are
  // removed afterwards (output-scrub.ts); other formats' text chunks and IPTC are not kept.
  img = (p.format === 'jpeg' ? img.keepMetadata() : img.keepExif()).keepIccProfile().withXmp(o.xmp);
  try {
    return await encoderFor(img, p.format, o.quality).toBuffer();
  } catch (err) {
    throw decodeFailed(`${p.format.toUpperCase()} image`, err);
  }
}

/**
 * A clean copy's pixels: decoded, turned upright and encoded again in the same format with a
 * new XMP packet, keeping EXIF and the ICC profile (a JPEG also its IPTC segment), whose
 * personal fields output-scrub.ts removes afterwards. The input's C2PA store is not copied.
 */
export async function reencode(input: Buffer, format: ImageFormat, o: { xmp: string; quality: number; maxPixels: number }): Promise<Buffer> {
  counts.full++;
  const img = open(input, o.maxPixels).rotate();
  try {
    return await encoderFor((format === 'jpeg' ? img.keepMetadata() : img.keepExif()).keepIccProfile().withXmp(o.xmp), format, o.quality).toBuffer();
  } catch (err) {
    throw decodeFailed(`${format.toUpperCase()} image`, err);
  }
}

/** 8-bit greyscale pixels, one byte each. */
import type { GreyImage } from '../domain/record.js';

export type { GreyImage } from '../domain/record.js';

export interface Preview {
  /** A JPEG of the labelled picture, at most `maxSide` on its longer side (the manifest's thumbnail). */
  jpeg: Buffer;
  /** The same pixels in grey, flattened on white: what the record's fingerprints are computed from. */
  grey: GreyImage;
}

/**
 * The labelled picture at ≤ maxSide, from the input decoded at reduced size (JPEG and WebP
 * shrink on load) with the mark scaled onto it: the thumbnail and the fingerprint pixels
 * without a second full-size decode, neither of the input nor of the output.
 * `canvas` is the output's size; `mark.png` is scaled by the same factor here.
 */
export async function labelledPreview(
  input: Buffer,
  p: LabelPixels & { canvas: { width: number; height: number }; markSize: { width: number; height: number } },
  maxSide: number,
  work?: { width: number; height: number },
): Promise<Preview & { work?: GreyPixels & { opaque: boolean } }> {
  const { width: W, height: H } = p.canvas;
  // With a working size (the watermark's), the picture is decoded at that size and the preview made from it.
  const scale = work ? work.width / W : Math.min(1, maxSide / Math.max(W, H));
  const px = (v: number) => Math.round(v * scale);
  const e = p.extend ?? { top: 0, bottom: 0, left: 0, right: 0 };
  const baseW = Math.max(1, px(W - e.left - e.right));
  const baseH = Math.max(1, px(H - e.top - e.bottom));
  const shrinks = SHRINK_ON_LOAD.has(p.format) && scale <= 0.5;
  if (shrinks) counts.reduced++;
  else counts.full++;
  try {
    let img = open(input, p.maxPixels).rotate().resize(baseW, baseH, { fit: 'fill' });
    if (p.extend) img = img.extend({ top: px(e.top), bottom: px(e.bottom), left: px(e.left), right: px(e.right), background: { ...p.extendColour, alpha: 1 } });
    const base = work
      ? await flattenedOpaque(img)
      : { ...(await img.flatten({ background: '#ffffff' }).raw().toBuffer({ resolveWithObject: true })), opaque: true };
    const { width: bw, height: bh, channels } = base.info;
    const markW = Math.max(1, Math.min(px(p.markSize.width), bw));
    const markH = Math.max(1, Math.min(px(p.markSize.height), bh));
    const mark = await scalePng(p.mark.png, markW, markH);
    const labelled = await sharp(base.data, { raw: { width: bw, height: bh, channels } })
      .composite([{ input: mark, left: Math.min(px(p.mark.left), bw - markW), top: Math.min(px(p.mark.top), bh - markH) }])
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (!work) return await previewOfRaw(labelled.data, labelled.info);
    return await previewAndWork(labelled.data, labelled.info, base.opaque, maxSide);
  } catch (err) {
    throw decodeFailed('image', err);
  }
}

/** Above this, the one-decode path's full-size pixel buffer (3 bytes a pixel) costs more memory than its time is worth. */
const ONE_DECODE_MAX_PIXELS = 25_000_000;

/**
 * Whether a picture can be labelled with a single decode (labelOnce): 8-bit RGB, one page, of a
 * moderate size; a JPEG, whose EXIF, IPTC and ICC segments are carried over byte for byte (the
 * pixels stay in its own colour space), or a PNG, WebP, TIFF or AVIF with no EXIF and no ICC
 * profile to carry (what image generators write). The others go through libvips' own pipeline.
 */
export function decodesOnce(
  format: ImageFormat,
  h: Pick<ImageHeader, 'channels' | 'space' | 'hasProfile' | 'depth' | 'pages' | 'exif'>,
  pixels: number,
): boolean {
  const rgb8 = h.channels === 3 && h.space === 'srgb' && (h.depth ?? 'uchar') === 'uchar' && (h.pages ?? 1) <= 1;
  if (!rgb8 || pixels > ONE_DECODE_MAX_PIXELS) return false;
  return format === 'jpeg' || (!h.exif && !h.hasProfile);
}

/**
 * The labelled picture and its preview from one decode: the labelled pixels are made once at
 * full size, then encoded in the input's format with the new XMP (a JPEG also gets the input's
 * EXIF, IPTC and ICC segments byte for byte, EXIF turned upright) while the same pixels are scaled
 * down for the thumbnail and the fingerprint. Pixel for pixel what encodeLabelled +
 * labelledPreview give.
 */
export async function labelOnce(
  input: Buffer,
  p: LabelPixels & { canvas: { width: number; height: number } },
  o: { xmp: string; quality: number; density?: number },
  maxSide: number,
  watermark?: Watermarker,
): Promise<{ bytes: Buffer; preview: Preview }> {
  counts.full++;
  // keepIccProfile: the pixels stay in the input's colour space, whose profile goes back in with the segments.
  let img = open(input, p.maxPixels).rotate().keepIccProfile();
  if (p.extend) img = img.extend({ ...p.extend, background: { ...p.extendColour, alpha: 1 } });
  try {
    const [full, mark] = await Promise.all([img.raw().toBuffer({ resolveWithObject: true }), rgbaOf(p.mark.png)]);
    // The mark covers a few percent of the picture: blended here, over its own rectangle only
    // (libvips' composite walks every pixel of the picture, ~60 ms for 12 MP).
    blendOver(full.data, full.info, mark, p.mark.left, p.mark.top);
    if (watermark) watermarkRaw(full.data, full.info, watermark);
    const raw = { raw: { width: full.info.width, height: full.info.height, channels: full.info.channels } };
    const scale = Math.min(1, maxSide / Math.max(full.info.width, full.info.height));
    let encoder = encoderFor(sharp(full.data, raw).withXmp(o.xmp), p.format, o.quality);
    if (o.density) encoder = encoder.withDensity(o.density);
    const [encoded, small] = await Promise.all([
      encoder.toBuffer(),
      sharp(full.data, raw)
        .resize(Math.max(1, Math.round(full.info.width * scale)), Math.max(1, Math.round(full.info.height * scale)), { fit: 'fill' })
        .raw()
        .toBuffer({ resolveWithObject: true }),
    ]);
    const bytes = p.format === 'jpeg' ? insertSegments(encoded, metadataSegments(input)) : encoded;
    return { bytes, preview: await previewOfRaw(small.data, small.info) };
  } catch (err) {
    throw decodeFailed(`${p.format.toUpperCase()} image`, err);
  }
}

interface Rgba8 {
  data: Buffer;
  width: number;
  height: number;
}

/** Decoded marks, by their PNG (plans are cached, so a batch decodes its mark once). */
const decodedMarks = new WeakMap<Buffer, Promise<Rgba8>>();

function rgbaOf(png: Buffer): Promise<Rgba8> {
  let hit = decodedMarks.get(png);
  if (!hit) {
    hit = sharp(png)
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true })
      .then(({ data, info }) => ({ data, width: info.width, height: info.height }));
    decodedMarks.set(png, hit);
  }
  return hit;
}

/** Source-over of an RGBA picture onto 3- or 4-channel 8-bit pixels at (left, top), clipped to the picture. */
export function blendOver(dst: Uint8Array, d: { width: number; height: number; channels: number }, src: Rgba8, left: number, top: number): void {
  const x0 = Math.max(0, left);
  const y0 = Math.max(0, top);
  const x1 = Math.min(d.width, left + src.width);
  const y1 = Math.min(d.height, top + src.height);
  const dc = d.channels;
  const s = src.data;
  // Integer arithmetic only: v / 255 rounded is (t + (t >> 8)) >> 8 with t = v + 128, for v ≤ 65025.
  // The mark is mostly one translucent colour (its backing): each colour's source term is worked
  // out when the colour changes, not for every pixel (~30 % of the blend's time on 12 MP).
  let colour = -1;
  let keep = 0;
  let r0 = 0;
  let g0 = 0;
  let b0 = 0;
  for (let y = y0; y < y1; y++) {
    let si = ((y - top) * src.width + (x0 - left)) * 4;
    let di = (y * d.width + x0) * dc;
    for (let x = x0; x < x1; x++, si += 4, di += dc) {
      const a = s[si + 3];
      if (a === 0) continue;
      if (a === 255) {
        dst[di] = s[si];
        dst[di + 1] = s[si + 1];
        dst[di + 2] = s[si + 2];
        continue;
      }
      const c = (s[si] | (s[si + 1] << 8) | (s[si + 2] << 16)) + a * 0x1000000;
      if (c !== colour) {
        colour = c;
        keep = 255 - a;
        r0 = s[si] * a + 128;
        g0 = s[si + 1] * a + 128;
        b0 = s[si + 2] * a + 128;
      }
      let t = r0 + dst[di] * keep;
      dst[di] = (t + (t >> 8)) >> 8;
      t = g0 + dst[di + 1] * keep;
      dst[di + 1] = (t + (t >> 8)) >> 8;
      t = b0 + dst[di + 2] * keep;
      dst[di + 2] = (t + (t >> 8)) >> 8;
    }
  }
}

// ---------------------------------------------------------------- the invisible watermark's pixels

/** The watermark's embedder (label/watermark), handed in by the label layer: the change for a working-size luminance. */
export interface Watermarker {
  size: { width: number; height: number };
  delta(grey: GreyPixels): Int16Array;
}

/** The watermark's change at working size, and the canvas it is scaled to. */
export interface WatermarkLayer {
  layer: DeltaLayer;
  canvas: { width: number; height: number };
}

/** The change as composite layers for libvips: the raise added, the lowering taken off ("difference" is |b − l|, b − l but near black). */
function deltaInputs(o: WatermarkLayer): OverlayOptions[] {
  const { width, height } = o.canvas;
  const { raise, lower } = deltaPlanes(o.layer, width, height);
  const raw = { width, height, channels: 1 as const };
  return [
    { input: raise, raw, blend: 'add' },
    { input: lower, raw, blend: 'difference' },
  ];
}

/**
 * The watermark added to full-size labelled pixels in place: their luminance at working size
 * (a 2 × 2 point sample per working pixel: the layer's shaping needs no more), the change for
 * it, and the change scaled up and added to every colour channel.
 */
export function watermarkRaw(data: Buffer, info: { width: number; height: number; channels: number }, w: Watermarker): void {
  const { width: W, height: H, channels: ch } = info;
  const { width: lw, height: lh } = w.size;
  const grey = Buffer.alloc(lw * lh);
  // Byte offsets of the two sampled columns of each working column, once.
  const xa = Int32Array.from({ length: lw }, (_, x) => Math.min(W - 1, Math.floor(((x + 0.25) * W) / lw)) * ch);
  const xb = Int32Array.from({ length: lw }, (_, x) => Math.min(W - 1, Math.floor(((x + 0.75) * W) / lw)) * ch);
  for (let y = 0; y < lh; y++) {
    const ra = Math.min(H - 1, Math.floor(((y + 0.25) * H) / lh)) * W * ch;
    const rb = Math.min(H - 1, Math.floor(((y + 0.75) * H) / lh)) * W * ch;
    for (let x = 0; x < lw; x++) {
      const a = ra + xa[x];
      const b = ra + xb[x];
      const c = rb + xa[x];
      const d = rb + xb[x];
      const sum =
        77 * (data[a] + data[b] + data[c] + data[d]) +
        150 * (data[a + 1] + data[b + 1] + data[c + 1] + data[d + 1]) +
        29 * (data[a + 2] + data[b + 2] + data[c + 2] + data[d + 2]);
      grey[y * lw + x] = (sum + 512) >> 10;
    }
  }
  addLumaDelta(data, info, { data: w.delta({ data: grey, width: lw, height: lh }), width: lw, height: lh });
}

/** Decoded pixels flattened on white, and whether they were all opaque. */
async function flattenedOpaque(img: Sharp): Promise<{ data: Buffer; info: OutputInfo; opaque: boolean }> {
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  let opaque = true;
  if (info.channels === 4 || info.channels === 2) for (let i = info.channels - 1; i < data.length && opaque; i += info.channels) opaque = data[i] === 255;
  if (opaque && info.channels !== 4 && info.channels !== 2) return { data, info, opaque };
  const flat = await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels as 1 | 2 | 3 | 4 } })
    .flatten({ background: '#ffffff' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { ...flat, opaque };
}

/** The preview of a labelled picture decoded at the working size, and its luminance at that size. */
async function previewAndWork(
  data: Buffer,
  info: { width: number; height: number; channels: number },
  opaque: boolean,
  maxSide: number,
): Promise<Preview & { work: GreyPixels & { opaque: boolean } }> {
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels as 1 | 2 | 3 | 4 } };
  const scale = Math.min(1, maxSide / Math.max(info.width, info.height));
  const [small, grey] = await Promise.all([
    sharp(data, raw)
      .resize(Math.max(1, Math.round(info.width * scale)), Math.max(1, Math.round(info.height * scale)), { fit: 'fill' })
      .raw()
      .toBuffer({ resolveWithObject: true }),
    sharp(data, raw).flatten({ background: '#ffffff' }).greyscale().extractChannel(0).raw().toBuffer(),
  ]);
  return { ...(await previewOfRaw(small.data, small.info)), work: { data: grey, width: info.width, height: info.height, opaque } };
}

/** Thumbnail JPEG and grey pixels of a small labelled picture. */
async function previewOfRaw(data: Buffer, info: { width: number; height: number; channels: number }): Promise<Preview> {
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels as 1 | 2 | 3 | 4 } };
  const [jpeg, grey] = await Promise.all([
    sharp(data, raw).flatten({ background: '#ffffff' }).jpeg({ quality: 75 }).toBuffer(),
    sharp(data, raw).flatten({ background: '#ffffff' }).greyscale().extractChannel(0).raw().toBuffer({ resolveWithObject: true }),
  ]);
  return { jpeg, grey: { data: grey.data, width: grey.info.width, height: grey.info.height } };
}

// ---------------------------------------------------------------- fingerprints

/**
 * The picture upright, flattened on white, in grey, at most `maxSide` on its longer side
 * (shrink-on-load where the format allows). Tolerant decoding (failOn 'error'): a copy
 * found in the wild may carry harmless warnings.
 */
export async function greyMaster(input: Buffer, maxPixels: number, maxSide = 512): Promise<GreyImage> {
  counts.fingerprint++;
  try {
    const { data, info } = await open(input, maxPixels, 'error')
      .rotate() // bake EXIF orientation: a stripped copy has it baked in too
      .flatten({ background: '#ffffff' })
      .greyscale()
      .resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true })
      .extractChannel(0)
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  } catch (err) {
    throw decodeFailed('image', err);
  }
}

/**
 * Grids already made from a grey image, by region and size: a labelled picture's pHashes, its
 * ISCC codes and its soft binding ask for the same regions (the whole picture, the centre
 * crops), and each grid is a sharp pipeline of ~2–3 ms. Weakly held: gone with the image.
 */
const gridsOf = new WeakMap<Buffer, Map<string, Promise<Buffer>>>();

/** A region of a grey image resized to size × size (bicubic), one byte per pixel (callers read it, never write it). */
export function greyGrid(master: GreyImage, region: { left: number; top: number; width: number; height: number }, size: number): Promise<Buffer> {
  let grids = gridsOf.get(master.data);
  if (!grids) gridsOf.set(master.data, (grids = new Map()));
  const key = `${master.width}x${master.height}:${region.left},${region.top},${region.width},${region.height}:${size}`;
  let grid = grids.get(key);
  if (!grid) {
    grid = makeGreyGrid(master, region, size);
    grids.set(key, grid);
  }
  return grid;
}

async function makeGreyGrid(master: GreyImage, region: { left: number; top: number; width: number; height: number }, size: number): Promise<Buffer> {
  gridsMade++;
  const { data, info } = await sharp(master.data, { raw: { width: master.width, height: master.height, channels: 1 } })
    .extract(region)
    .resize(size, size, { fit: 'fill', kernel: 'cubic' })
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 1 || data.length !== size * size)
    throw new Error(`expected ${size}×${size} grey pixels, got ${info.width}×${info.height}×${info.channels}`);
  return data;
}

// ---------------------------------------------------------------- pages for OCR

/** A grey picture, one byte per pixel. */
export interface GreyPixels {
  data: Buffer;
  width: number;
  height: number;
}

/**
 * The picture for OCR: upright, flattened on mid grey (white and black words both stay
 * visible on transparency), grey and contrast-stretched, at a working size (the shorter side
 * near `shortSide`: shrink-on-load for large JPEGs, enlarged at most `maxScale` times for
 * small pictures), and the same at half that size for finding lines. No pixels when the
 * shorter side is below `minShortSide`: too small to read. `scale`: working pixels per picture pixel.
 */
export async function ocrGrey(
  input: Buffer,
  o: { maxPixels: number; shortSide: number; maxLongSide: number; maxScale: number; minShortSide: number },
): Promise<{ width: number; height: number; scale: number; grey?: GreyPixels; half?: GreyPixels }> {
  try {
    const meta = await sharp(input, { limitInputPixels: o.maxPixels }).metadata();
    const turned = (meta.orientation ?? 1) >= 5;
    const width = (turned ? meta.height : meta.width) ?? 0;
    const height = (turned ? meta.width : meta.height) ?? 0;
    if (Math.min(width, height) < o.minShortSide) return { width, height, scale: 1 };
    const scale = Math.min(o.maxScale, o.shortSide / Math.min(width, height), o.maxLongSide / Math.max(width, height));
    const W = Math.max(1, Math.round(width * scale));
    const H = Math.max(1, Math.round(height * scale));
    const small = await open(input, o.maxPixels, 'error')
      .rotate()
      .flatten({ background: '#808080' })
      .resize(W, H, { fit: 'fill' })
      .greyscale()
      .extractChannel(0)
      .raw()
      .toBuffer();
    // Stretched on the small picture: normalise() on the decode would decode the file twice.
    const data = await sharp(small, { raw: { width: W, height: H, channels: 1 } })
      .normalise()
      .extractChannel(0)
      .raw()
      .toBuffer();
    const grey = { data, width: W, height: H };
    const hw = Math.max(1, Math.round(W / 2));
    const hh = Math.max(1, Math.round(H / 2));
    const half = await sharp(data, { raw: { width: W, height: H, channels: 1 } })
      .resize(hw, hh, { fit: 'fill' })
      .extractChannel(0)
      .raw()
      .toBuffer();
    return { width, height, scale, grey, half: { data: half, width: hw, height: hh } };
  } catch (err) {
    throw decodeFailed('image', err);
  }
}

/** A rectangle of the working picture to read; `zoom` enlarges it (small words), `maxLongSide` bounds it. */
export interface OcrCrop {
  name: string;
  left: number;
  top: number;
  width: number;
  height: number;
  zoom?: number;
  maxLongSide?: number;
}

/** One page for OCR as PGM bytes; `left`/`top` place it in the working picture, `scale` is page pixels per working pixel. */
export interface OcrPage {
  pgm: Buffer;
  region: string;
  inverted: boolean;
  left: number;
  top: number;
  scale: number;
}

/** Each crop as it is (dark words on light) and negated (light words on dark), in that order. */
export async function ocrCrops(grey: GreyPixels, crops: OcrCrop[]): Promise<OcrPage[]> {
  const pages: OcrPage[] = [];
  for (const c of crops) {
    const left = Math.max(0, Math.min(grey.width - 1, Math.round(c.left)));
    const top = Math.max(0, Math.min(grey.height - 1, Math.round(c.top)));
    const w = Math.max(1, Math.min(grey.width - left, Math.round(c.width)));
    const h = Math.max(1, Math.min(grey.height - top, Math.round(c.height)));
    let k = c.zoom ?? 1;
    if (c.maxLongSide) k = Math.min(k, c.maxLongSide / Math.max(w, h));
    const pw = Math.max(1, Math.round(w * k));
    const ph = Math.max(1, Math.round(h * k));
    const plain = await sharp(grey.data, { raw: { width: grey.width, height: grey.height, channels: 1 } })
      .extract({ left, top, width: w, height: h })
      .resize(pw, ph, { fit: 'fill' })
      .extractChannel(0)
      .raw()
      .toBuffer();
    const negated = Buffer.allocUnsafe(plain.length);
    for (let i = 0; i < plain.length; i++) negated[i] = 255 - plain[i];
    const at = { region: c.name, left, top, scale: pw / w };
    pages.push({ pgm: pgm(plain, pw, ph), inverted: false, ...at }, { pgm: pgm(negated, pw, ph), inverted: true, ...at });
  }
  return pages;
}

function pgm(grey: Buffer, width: number, height: number): Buffer {
  return Buffer.concat([Buffer.from(`P5\n${width} ${height}\n255\n`, 'ascii'), grey]);
}

// ---------------------------------------------------------------- previews of untrusted pictures

/** A picture from a file (a manifest's thumbnail) re-encoded as a small JPEG, upright, on white; tolerant decoding. */
export function smallJpeg(raw: Buffer, o: { maxPixels: number; side: number; quality: number }): Promise<Buffer> {
  return open(raw, o.maxPixels, 'error')
    .rotate()
    .resize(o.side, o.side, { fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: o.quality })
    .toBuffer();
}

// ---------------------------------------------------------------- service

/** A 1×1 white PNG (the health check's ExifTool probe). */
export function tinyPng(): Promise<Buffer> {
  return sharp({ create: { width: 1, height: 1, channels: 3, background: '#fff' } })
    .png()
    .toBuffer();
}

/** Versions of sharp and libvips (for the service's info). */
export function sharpVersions(): { sharp: string; vips: string } {
  return { sharp: sharp.versions.sharp ?? 'unknown', vips: sharp.versions.vips };
}

// ---------------------------------------------------------------- distribution copies (the survival report)

export interface CopyRecipe {
  longSide?: number;
  scale?: number;
  /** Share of each side kept, centred. */
  crop?: number;
  grey?: boolean;
  format: 'jpeg' | 'png' | 'webp' | 'avif' | 'tiff';
  quality?: number;
  metadata: 'none' | 'icc' | 'all';
}

/** Upright width and height from the header (EXIF orientations 5–8 swap them). */
async function uprightSize(input: Buffer): Promise<{ width: number; height: number }> {
  const m = await sharp(input, { limitInputPixels: false }).metadata();
  const turned = (m.orientation ?? 1) >= 5;
  return { width: (turned ? m.height : m.width) ?? 0, height: (turned ? m.width : m.height) ?? 0 };
}

/**
 * A copy as a platform or an editor makes it (domain/distribution.ts): upright, cropped,
 * resized, greyed, re-encoded, keeping all metadata, only the ICC profile, or none. The C2PA
 * manifest never comes along: libvips does not copy it, as no re-encoder that breaks it should.
 */
export async function distributionCopy(input: Buffer, r: CopyRecipe, maxPixels: number): Promise<{ bytes: Buffer; width: number; height: number }> {
  try {
    const { width: W, height: H } = await uprightSize(input);
    let img = open(input, maxPixels, 'error').rotate();
    let w = W;
    let h = H;
    if (r.crop && r.crop < 1) {
      w = Math.max(1, Math.round(W * r.crop));
      h = Math.max(1, Math.round(H * r.crop));
      img = img.extract({ left: Math.round((W - w) / 2), top: Math.round((H - h) / 2), width: w, height: h });
    }
    if (r.scale) img = img.resize(Math.max(1, Math.round(w * r.scale)), Math.max(1, Math.round(h * r.scale)), { fit: 'fill' });
    if (r.longSide) img = img.resize(r.longSide, r.longSide, { fit: 'inside', withoutEnlargement: true });
    if (r.grey) img = img.greyscale();
    if (r.format === 'jpeg') img = img.flatten({ background: '#ffffff' });
    if (r.metadata === 'all') img = img.keepMetadata();
    else if (r.metadata === 'icc') img = img.keepIccProfile();
    const q = r.quality ?? 85;
    const encoded =
      r.format === 'jpeg'
        ? img.jpeg({ quality: q })
        : r.format === 'png'
          ? img.png()
          : r.format === 'webp'
            ? img.webp({ quality: q })
            : r.format === 'avif'
              ? img.avif({ quality: Math.min(q, 75) })
              : img.tiff({ compression: 'lzw' });
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    return { bytes: data, width: info.width, height: info.height };
  } catch (err) {
    throw decodeFailed('image', err);
  }
}

/**
 * A rectangle of the upright picture as `cols` × `rows` grey values (the survival report compares
 * the recorded warning region of the original and of a copy); undefined when the rectangle
 * leaves the picture by more than a pixel.
 */
export async function greyPatch(
  input: Buffer,
  region: { x: number; y: number; width: number; height: number },
  size: { cols: number; rows: number },
  maxPixels: number,
): Promise<Buffer | undefined> {
  const { width: W, height: H } = await uprightSize(input);
  const left = Math.max(0, Math.round(region.x));
  const top = Math.max(0, Math.round(region.y));
  const width = Math.min(W - left, Math.round(region.width));
  const height = Math.min(H - top, Math.round(region.height));
  if (width < Math.round(region.width) - 1 || height < Math.round(region.height) - 1 || width < 1 || height < 1) return undefined;
  try {
    return await open(input, maxPixels, 'error')
      .rotate()
      .extract({ left, top, width, height })
      .flatten({ background: '#ffffff' })
      .greyscale()
      .resize(size.cols, size.rows, { fit: 'fill' })
      .extractChannel(0)
      .raw()
      .toBuffer();
  } catch (err) {
    throw decodeFailed('image', err);
  }
}
