/**
 * The survival report: one labelled file, the copies distribution makes of it (the tables in
 * domain/distribution.ts and text/copies.ts), and for each copy which layers are still there:
 * the visible warning, XMP, the C2PA manifest, the ISCC soft binding and the record's trace.
 * Each copy is verified like any incoming file, but the record is only read: the copies are
 * made here, they are not evidence of anything that was published.
 */
import { LabellerError } from '../domain/errors.js';
import { IMAGE_COPIES, type CopyLayers, type LayerState, type SurvivalCopy, type SurvivalReport } from '../domain/distribution.js';
import { codeDistance } from '../domain/iscc/index.js';
import type { RecordSink } from '../domain/record.js';
import type { VerifyReport } from '../domain/report.js';
import type { TextFormat } from '../domain/vocabulary.js';
import { imageIsccOf } from '../media/iscc-image.js';
import { checkName } from '../media/name-check.js';
import { distributionCopy, greyPatch, readHeader, smallJpeg } from '../media/sharp.js';
import { IMAGE_MIME, type ImageFormat, sniff, unsupported } from '../media/sniff.js';
import { ISCC_MATCH_DISTANCE } from '../registry/iscc-index.js';
import { TEXT_COPIES } from '../text/copies.js';
import { runTextTask } from '../text/worker/pool.js';
import { asBuffer } from '../text/worker/tasks.js';
import type { CoreContext } from './types.js';
import { verify } from './verify.js';
import { markHex } from '../domain/watermark.js';

export interface SurviveOptions {
  fileName?: string;
  textFormat?: TextFormat;
  /** Thumbnails of image copies and excerpts of text copies, for the web page. */
  preview?: boolean;
  /** Read the pixels of each copy for the warning (OCR, when installed); default true. */
  ocr?: boolean;
}

/** The record for tracing only: the copies are looked up, never written as verifications. */
function traceOnly(records: RecordSink): RecordSink {
  return new Proxy(records, {
    get(target, prop) {
      if (prop === 'recordVerify') return async () => undefined;
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

interface Reference {
  kind: 'image' | 'text';
  format: string;
  /** The code copies are measured against: the soft binding, else the file's own. */
  iscc?: string;
  recordId?: string;
  region?: { x: number; y: number; width: number; height: number };
  textFormat?: TextFormat;
}

export async function survive(input: Buffer, o: SurviveOptions, ctx: CoreContext): Promise<SurvivalReport> {
  const sniffed = await sniff(input);
  if (sniffed.kind === 'other') throw unsupported(sniffed);
  checkName(o.fileName, sniffed);
  const tracing: CoreContext = { ...ctx, records: ctx.records && traceOnly(ctx.records) };
  const policy = { textFormat: o.textFormat, ocr: o.ocr };
  const report = await verify(input, policy, tracing);
  const kind = report.kind;
  const textFormat = kind === 'text' ? ((o.textFormat ?? report.format) as TextFormat) : undefined;
  const own = await isccOf(input, kind, ctx, textFormat);
  const softBinding = report.c2pa.softBinding;
  const trace = report.signals.find((s) => s.source === 'registry');
  const ref: Reference = {
    kind,
    format: report.format,
    iscc: softBinding?.alg === 'io.iscc.v0' ? softBinding.value : own,
    recordId: typeof trace?.recordId === 'string' ? trace.recordId : undefined,
    region: regionOf(report.c2pa.visibleWarning?.region),
    textFormat,
  };
  const original = {
    ...(own ? { iscc: own } : {}),
    ...(softBinding ? { softBinding } : {}),
    ...(ref.recordId ? { recordId: ref.recordId } : {}),
    ...(report.c2pa.activeManifest ? { manifestLabel: report.c2pa.activeManifest } : {}),
  };
  const originalLayers = await layersOf(report, input, input, own, ref, ctx, { same: true });

  const copies: SurvivalCopy[] = [];
  // One copy at a time: a 12 MP picture's copies and their verifications are not held at once.
  if (kind === 'image') {
    const format = report.format as ImageFormat;
    for (const spec of IMAGE_COPIES) {
      const out = spec.format === 'same' ? format : spec.format;
      const copy = await distributionCopy(input, { ...spec, format: out }, ctx.config.maxPixels);
      const copyReport = await verify(copy.bytes, { ocr: o.ocr }, tracing);
      const code = await isccOf(copy.bytes, 'image', ctx).catch(() => undefined);
      copies.push({
        id: spec.id,
        what: spec.what,
        mimeType: IMAGE_MIME[out],
        bytes: copy.bytes.length,
        width: copy.width,
        height: copy.height,
        ...(o.preview
          ? {
              thumbnail: `data:image/jpeg;base64,${(await smallJpeg(copy.bytes, { maxPixels: ctx.config.maxPixels, side: 240, quality: 70 })).toString('base64')}`,
            }
          : {}),
        layers: await layersOf(copyReport, input, copy.bytes, code, ref, ctx, { crop: spec.crop }),
      });
    }
  } else {
    for (const spec of TEXT_COPIES) {
      const bytes = asBuffer(await runTextTask('copy', input, { kind: spec.kind, hint: textFormat }));
      const copyReport = await verify(bytes, { textFormat: 'txt' }, tracing);
      const code = await isccOf(bytes, 'text', ctx, 'txt').catch(() => undefined);
      copies.push({
        id: spec.kind,
        what: spec.what,
        mimeType: 'text/plain',
        bytes: bytes.length,
        ...(o.preview ? { excerpt: bytes.toString('utf8').slice(0, 240) } : {}),
        layers: await layersOf(copyReport, input, bytes, code, ref, ctx, {}),
      });
    }
  }
  return {
    ...(o.fileName !== undefined ? { file: o.fileName } : {}),
    kind,
    format: report.format,
    sha256: report.sha256,
    original: { ...original, layers: originalLayers },
    isccThreshold: ISCC_MATCH_DISTANCE,
    copies,
    checkedAt: new Date().toISOString(),
  };
}

async function isccOf(bytes: Buffer, kind: 'image' | 'text', ctx: CoreContext, hint?: TextFormat): Promise<string | undefined> {
  if (kind === 'image') return (await imageIsccOf(bytes, ctx.config.maxPixels)).iscc;
  return (await runTextTask('iscc', bytes, hint)).iscc;
}

function regionOf(r: unknown): Reference['region'] {
  if (!r || typeof r !== 'object') return undefined;
  const { x, y, width, height } = r as Record<string, unknown>;
  return [x, y, width, height].every((v) => typeof v === 'number' && Number.isFinite(v))
    ? { x: x as number, y: y as number, width: width as number, height: height as number }
    : undefined;
}

const state = (survives: boolean | null, detail: string): LayerState => ({ survives, detail });

async function layersOf(
  r: VerifyReport,
  original: Buffer,
  copy: Buffer,
  code: string | undefined,
  ref: Reference,
  ctx: CoreContext,
  how: { same?: boolean; crop?: number },
): Promise<CopyLayers> {
  const xmp = r.signals.find((s) => s.source === 'xmp-iptc' && s.ai === true);
  const intact = r.c2pa.state === 'valid' || r.c2pa.state === 'trusted';
  const distance = code && ref.iscc ? codeDistance(code, ref.iscc) : undefined;
  const trace = r.signals.find((s) => s.source === 'registry');
  const traced = !!trace && (!ref.recordId || trace.recordId === ref.recordId);
  return {
    visibleWarning: await visibleOf(r, original, copy, ref, ctx, how),
    xmp: r.kind === 'text' ? state(null, 'texts carry no XMP') : state(!!xmp, xmp ? 'IPTC digital source type says AI' : 'no IPTC/XMP AI fields'),
    c2pa: {
      ...state(intact, intact ? `manifest ${r.c2pa.state}` : r.c2pa.state === 'absent' ? 'no manifest' : `manifest ${r.c2pa.state}`),
      state: r.c2pa.state,
    },
    iscc: {
      ...state(
        distance === undefined ? null : distance <= ISCC_MATCH_DISTANCE,
        distance === undefined ? 'no code to compare' : `${distance} of 64 bits from the soft binding`,
      ),
      ...(code ? { code } : {}),
      ...(distance !== undefined ? { distance } : {}),
    },
    record: {
      ...state(
        ctx.records ? traced : null,
        !ctx.records
          ? 'no record is kept'
          : traced
            ? `found record ${trace!.recordId} (${trace!.match === 'exact' ? 'same bytes' : `by ${trace!.via ?? 'fingerprint'}`})`
            : 'the record does not find it',
      ),
      ...(trace ? { recordId: String(trace.recordId), ...(trace.via ? { via: String(trace.via) } : {}), distance: Number(trace.distance) } : {}),
    },
    watermark: watermarkOf(r, ctx),
  };
}

function watermarkOf(r: VerifyReport, ctx: CoreContext): CopyLayers['watermark'] {
  if (r.kind === 'text') return state(null, 'texts carry no watermark');
  if (!ctx.watermarkKey) return state(null, 'no watermark key (WATERMARK_KEY=off): no watermark found');
  const mark = r.signals.find((s) => s.source === 'watermark');
  if (!mark) return state(false, 'no watermark found');
  const recordId = typeof mark.recordId === 'string' ? mark.recordId : undefined;
  return {
    ...state(true, `mark ${markHex(Number(mark.markId))} of issuer ${String(mark.issuer)}${recordId ? `, record ${recordId}` : ''}`),
    markId: Number(mark.markId),
    ...(recordId ? { recordId } : {}),
  };
}

/** Size of the grey patches compared for the recorded warning region. */
const PATCH = { cols: 48, rows: 12 };
/** Mean difference (of 255) under which the recorded region still shows the warning. */
const PATCH_TOLERANCE = 28;

async function visibleOf(
  r: VerifyReport,
  original: Buffer,
  copy: Buffer,
  ref: Reference,
  ctx: CoreContext,
  how: { same?: boolean; crop?: number },
): Promise<CopyLayers['visibleWarning']> {
  if (r.kind === 'text') {
    const seen = r.signals.some((s) => s.source === 'text-notice' && s.visible === true);
    return { survives: seen, how: 'notice', detail: seen ? 'the notice is in the text' : 'no notice in the text' };
  }
  if (r.ocr?.read) {
    const seen = r.compliance.visibleWarning === true || r.signals.some((s) => s.visible === true);
    return { survives: seen, how: 'ocr', detail: seen ? 'the warning was read in the pixels' : 'no warning was read in the pixels' };
  }
  if (!ref.region) return { survives: null, how: 'none', detail: 'the pixels were not read and no warning region is recorded' };
  if (how.same) return { survives: true, how: 'region', detail: 'the recorded warning region (the labelled file itself)' };
  // The copy's geometry is known (we made it): map the recorded region into it and compare its pixels with the original's.
  try {
    const o = await greyPatch(original, ref.region, PATCH, ctx.config.maxPixels);
    const size = await copySize(original, copy);
    const crop = how.crop ?? 1;
    const offX = (size.W * (1 - crop)) / 2;
    const offY = (size.H * (1 - crop)) / 2;
    const sx = size.w / (size.W * crop);
    const sy = size.h / (size.H * crop);
    const mapped = { x: (ref.region.x - offX) * sx, y: (ref.region.y - offY) * sy, width: ref.region.width * sx, height: ref.region.height * sy };
    const c = await greyPatch(copy, mapped, PATCH, ctx.config.maxPixels);
    if (!o || !c) return { survives: false, how: 'region', detail: 'the recorded warning region is cut off in this copy' };
    let sum = 0;
    for (let i = 0; i < o.length; i++) sum += Math.abs(o[i] - c[i]);
    const mean = sum / o.length;
    return { survives: mean <= PATCH_TOLERANCE, how: 'region', detail: `the recorded warning region compared: mean difference ${mean.toFixed(0)} of 255` };
  } catch (err) {
    if (err instanceof LabellerError) return { survives: null, how: 'region', detail: err.message };
    throw err;
  }
}

async function copySize(original: Buffer, copy: Buffer): Promise<{ W: number; H: number; w: number; h: number }> {
  const [a, b] = await Promise.all([readHeader(original), readHeader(copy)]);
  const size = (h: Awaited<ReturnType<typeof readHeader>>) => {
    if ('error' in h || !h.width || !h.height) throw new LabellerError('corrupt_input', 'the picture size cannot be read');
    return h.orientation >= 5 ? { w: h.height, h: h.width } : { w: h.width, h: h.height };
  };
  const o = size(a);
  const c = size(b);
  return { W: o.w, H: o.h, w: c.w, h: c.h };
}
