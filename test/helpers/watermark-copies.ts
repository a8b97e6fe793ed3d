/**
 * The transformations the invisible watermark is meant to survive (issue 17), as sharp does them
 * to a labelled file: shared by the watermark tests and bench/watermark.bench.ts.
 */
import sharp from 'sharp';

export interface Transform {
  id: string;
  what: string;
  apply(bytes: Buffer): Promise<Buffer>;
}

async function sizeOf(bytes: Buffer): Promise<{ w: number; h: number }> {
  const m = await sharp(bytes).metadata();
  return { w: m.width ?? 0, h: m.height ?? 0 };
}

/** Keep `keep` of one or more sides (left, right, top, bottom), re-encoded as JPEG 90. */
function crop(sides: { l?: number; r?: number; t?: number; b?: number }): (bytes: Buffer) => Promise<Buffer> {
  return async (bytes) => {
    const { w, h } = await sizeOf(bytes);
    const left = Math.round(w * (sides.l ?? 0));
    const top = Math.round(h * (sides.t ?? 0));
    const width = w - left - Math.round(w * (sides.r ?? 0));
    const height = h - top - Math.round(h * (sides.b ?? 0));
    return sharp(bytes).extract({ left, top, width, height }).jpeg({ quality: 90 }).toBuffer();
  };
}

const within = (side: number) => ({ width: side, height: side, fit: 'inside' as const, withoutEnlargement: true });

export const TRANSFORMS: readonly Transform[] = [
  { id: 'jpeg-q50', what: 'JPEG quality 50', apply: (b) => sharp(b).jpeg({ quality: 50 }).toBuffer() },
  { id: 'jpeg-q70', what: 'JPEG quality 70', apply: (b) => sharp(b).jpeg({ quality: 70 }).toBuffer() },
  {
    id: 'resize-50',
    what: 'resize to 50 %, JPEG 90',
    apply: async (b) => {
      const { w, h } = await sizeOf(b);
      return sharp(b)
        .resize(Math.round(w / 2), Math.round(h / 2))
        .jpeg({ quality: 90 })
        .toBuffer();
    },
  },
  { id: 'long-1280', what: 'resize to a 1280 px long side, JPEG 85', apply: (b) => sharp(b).resize(within(1280)).jpeg({ quality: 85 }).toBuffer() },
  { id: 'crop-left-20', what: 'crop 20 % from the left', apply: crop({ l: 0.2 }) },
  { id: 'crop-right-20', what: 'crop 20 % from the right', apply: crop({ r: 0.2 }) },
  { id: 'crop-top-20', what: 'crop 20 % from the top', apply: crop({ t: 0.2 }) },
  { id: 'crop-bottom-20', what: 'crop 20 % from the bottom', apply: crop({ b: 0.2 }) },
  { id: 'crop-10-all', what: 'crop 10 % from every side', apply: crop({ l: 0.1, r: 0.1, t: 0.1, b: 0.1 }) },
  { id: 'screenshot', what: 'PNG screenshot at display size (1080 px long side)', apply: (b) => sharp(b).resize(within(1080)).png().toBuffer() },
  { id: 'greyscale', what: 'greyscale, JPEG 90', apply: (b) => sharp(b).greyscale().jpeg({ quality: 90 }).toBuffer() },
  { id: 'webp', what: 'WebP re-encode, quality 80', apply: (b) => sharp(b).webp({ quality: 80 }).toBuffer() },
  { id: 'webp-q90', what: 'WebP re-encode, quality 90', apply: (b) => sharp(b).webp({ quality: 90 }).toBuffer() },
  { id: 'telegram', what: 'Telegram-like: 1280 px, JPEG 80, stripped', apply: (b) => sharp(b).resize(within(1280)).jpeg({ quality: 80 }).toBuffer() },
  { id: 'whatsapp', what: 'WhatsApp-like: 1600 px, JPEG 75, stripped', apply: (b) => sharp(b).resize(within(1600)).jpeg({ quality: 75 }).toBuffer() },
  { id: 'facebook', what: 'Facebook-like: 2048 px, JPEG 85, stripped', apply: (b) => sharp(b).resize(within(2048)).jpeg({ quality: 85 }).toBuffer() },
];

/** Beyond what it is built for (the README's "what breaks it"). */
export const BREAKERS: readonly Transform[] = [
  { id: 'rotate-5', what: 'rotated 5°', apply: (b) => sharp(b).rotate(5).jpeg({ quality: 90 }).toBuffer() },
  { id: 'crop-40-left', what: 'crop 40 % from the left', apply: crop({ l: 0.4 }) },
  { id: 'long-640-q60', what: '640 px long side, JPEG 60', apply: (b) => sharp(b).resize(within(640)).jpeg({ quality: 60 }).toBuffer() },
  { id: 'jpeg-q30', what: 'JPEG quality 30', apply: (b) => sharp(b).jpeg({ quality: 30 }).toBuffer() },
  {
    id: 'stretch-x',
    what: 'stretched 10 % in width only',
    apply: async (b) => {
      const { w, h } = await sizeOf(b);
      return sharp(b)
        .resize(Math.round(w * 1.1), h, { fit: 'fill' })
        .jpeg({ quality: 90 })
        .toBuffer();
    },
  },
  { id: 'blur-2', what: 'Gaussian blur σ 2', apply: (b) => sharp(b).blur(2).jpeg({ quality: 90 }).toBuffer() },
];
