/**
 * The copies distribution makes of a published picture, for the survival report: one table,
 * each row with where its numbers come from. Platforms change their pipelines; the rows are
 * the behaviour the issue (16) set out and public platform documentation describes, not a
 * promise about any platform today.
 */

export type ImageCopyId = 'telegram' | 'whatsapp' | 'facebook' | 'x' | 'screenshot' | 'crop-10' | 'resize-50' | 'greyscale' | 'webp';

export interface ImageCopySpec {
  id: ImageCopyId;
  /** In plain words, for the report. */
  what: string;
  /** Long side at most this many pixels (never enlarged). */
  longSide?: number;
  /** Each side scaled by this share. */
  scale?: number;
  /** Share of each side kept, centred. */
  crop?: number;
  grey?: boolean;
  /** 'same': the original's format (an editor saves what it opened). */
  format: 'jpeg' | 'png' | 'webp' | 'same';
  quality?: number;
  /** What of the file's metadata the copy keeps: none, the ICC profile only, or all (EXIF, IPTC, XMP, ICC; never the C2PA manifest, which a re-encode breaks). */
  metadata: 'none' | 'icc' | 'all';
}

export const IMAGE_COPIES: readonly ImageCopySpec[] = [
  // Telegram sends a picture sent "as photo" as a JPEG of at most 1280 px on the long side
  // (Bot API PhotoSize sizes top out at 1280), quality about 80, every metadata block removed.
  {
    id: 'telegram',
    what: 'Telegram-like: long side 1280 px, JPEG quality 80, all metadata stripped',
    longSide: 1280,
    format: 'jpeg',
    quality: 80,
    metadata: 'none',
  },
  // WhatsApp "standard quality" photos: long side 1600 px, JPEG about quality 75, stripped (issue 16; measured by users).
  {
    id: 'whatsapp',
    what: 'WhatsApp-like: long side 1600 px, JPEG quality 75, all metadata stripped',
    longSide: 1600,
    format: 'jpeg',
    quality: 75,
    metadata: 'none',
  },
  // Facebook resizes photos to 2048 px on the long side (Meta Help Centre, photo sizes) and strips metadata; quality about 85.
  {
    id: 'facebook',
    what: 'Facebook-like: long side 2048 px, JPEG quality 85, all metadata stripped',
    longSide: 2048,
    format: 'jpeg',
    quality: 85,
    metadata: 'none',
  },
  // X (Twitter) keeps images up to 4096 × 4096, re-encodes JPEG about quality 85, removes EXIF but keeps the ICC profile (X media best practices).
  {
    id: 'x',
    what: 'X-like: long side 4096 px, JPEG quality 85, metadata stripped but the ICC profile kept',
    longSide: 4096,
    format: 'jpeg',
    quality: 85,
    metadata: 'icc',
  },
  // A screenshot of the picture as shown on a full-HD screen: 1080 px on the long side, PNG, no metadata at all.
  { id: 'screenshot', what: 'screenshot: PNG at display size (long side 1080 px), no metadata', longSide: 1080, format: 'png', metadata: 'none' },
  // An editor's crop to 90 % of each side, centred, saved in the same format: the editor keeps XMP, the manifest breaks.
  { id: 'crop-10', what: '10 % crop: 90 % of each side kept, centred, saved again by an editor', crop: 0.9, format: 'same', quality: 90, metadata: 'all' },
  // Half size in an editor (a CMS's "large" rendition), same format, metadata kept.
  { id: 'resize-50', what: '50 % resize, saved again by an editor', scale: 0.5, format: 'same', quality: 90, metadata: 'all' },
  // Converted to greyscale (print, a "black and white" filter), same format, metadata kept.
  { id: 'greyscale', what: 'greyscale conversion, saved again by an editor', grey: true, format: 'same', quality: 90, metadata: 'all' },
  // A CMS or CDN that serves WebP (quality 80 is libvips' and most CDNs' default), metadata kept as libvips keeps it.
  { id: 'webp', what: 'WebP re-encode (quality 80) by a CMS or CDN', format: 'webp', quality: 80, metadata: 'all' },
];

/** Whether a layer survived in a copy: true, false, or null when it cannot be known (and why). */
export interface LayerState {
  survives: boolean | null;
  /** How it was judged or what was found, in a few words. */
  detail: string;
}

export interface CopyLayers {
  /** The warning a person sees: read by OCR when the verifier can, else the recorded region compared. */
  visibleWarning: LayerState & { how: 'ocr' | 'region' | 'notice' | 'none' };
  /** IPTC/XMP AI fields (DigitalSourceType) in the copy. */
  xmp: LayerState;
  /** The C2PA manifest, valid or trusted, in the copy. */
  c2pa: LayerState & { state: string };
  /** The copy's ISCC Content-Code against the labelled output's soft binding. */
  iscc: LayerState & { code?: string; distance?: number };
  /** The record finds the copy (by hash or by ISCC) and names the labelled output's record. */
  record: LayerState & { recordId?: string; via?: string; distance?: number };
  /** The invisible watermark read in the copy's pixels with our key: the mark id and the record it names. */
  watermark: LayerState & { markId?: number; recordId?: string };
}

export interface SurvivalCopy {
  id: string;
  what: string;
  mimeType: string;
  bytes: number;
  width?: number;
  height?: number;
  /** Only when asked (REST `?preview=1`): a small JPEG of the copy as a data: URI, or the first characters of a text copy. */
  thumbnail?: string;
  excerpt?: string;
  layers: CopyLayers;
}

export interface SurvivalReport {
  file?: string;
  kind: 'image' | 'text';
  format: string;
  sha256: string;
  /** The labelled output itself: its layers before distribution. */
  original: { iscc?: string; softBinding?: { alg: string; value: string }; recordId?: string; manifestLabel?: string; layers: CopyLayers };
  /** Bits (of 64) within which an ISCC counts as the same content. */
  isccThreshold: number;
  copies: SurvivalCopy[];
  checkedAt: string;
}
