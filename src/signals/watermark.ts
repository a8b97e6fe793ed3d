/**
 * The invisible watermark detector: the picture's luminance at the detector's size (one
 * shrink-on-load decode), read in a parse worker under a deadline for our key's mark. A found
 * mark is a signal that the picture is one we labelled (AI-made), naming the issuer and the mark
 * id (the core resolves the record). Without the key, or when nothing decodes: no signal.
 */
import { LabellerError } from '../domain/errors.js';
import type { Signal } from '../domain/report.js';
import { issuerHex, markHex, type WatermarkFinding, WATERMARK_ALG } from '../domain/watermark.js';
import { DETECT_LONG_SIDE } from '../label/watermark/detect.js';
import { greyMaster } from '../media/sharp.js';
import { runParseTask, taskModule } from '../media/worker/pool.js';
import type { WatermarkTaskArg } from './watermark-tasks.js';

const TASKS_MODULE = taskModule(import.meta.url, 'watermark-tasks');
/** The detection takes a few hundred milliseconds; a worker past this is stopped and nothing is reported. */
const DEADLINE_MS = 10_000;

/** The watermark found in a picture under `key`, or undefined (no mark, not decodable, out of time). */
export async function findWatermark(input: Buffer, key: Buffer, maxPixels: number): Promise<WatermarkFinding | undefined> {
  let grey: Awaited<ReturnType<typeof greyMaster>>;
  try {
    grey = await greyMaster(input, maxPixels, DETECT_LONG_SIDE);
  } catch (err) {
    if (err instanceof LabellerError) return undefined; // the other readers report an undecodable picture
    throw err;
  }
  if (Math.min(grey.width, grey.height) < 64) return undefined;
  const arg: WatermarkTaskArg = { width: grey.width, height: grey.height, key: key.toString('hex') };
  try {
    const found = await runParseTask<WatermarkFinding | null>({
      module: TASKS_MODULE,
      task: 'detect',
      input: grey.data,
      arg,
      transfer: true,
      deadlineMs: DEADLINE_MS,
      overrun: () => new LabellerError('metadata_too_complex', 'the watermark detector did not finish in time'),
      outOfMemory: () => new LabellerError('metadata_too_complex', 'the watermark detector ran out of memory'),
    });
    return found ?? undefined;
  } catch (err) {
    if (err instanceof LabellerError) return undefined;
    throw err;
  }
}

/** The watermark signal of a picture, or none. */
export async function detectWatermarkSignal(input: Buffer, key: Buffer | undefined, maxPixels: number): Promise<Signal[]> {
  if (!key) return [];
  const f = await findWatermark(input, key, maxPixels);
  if (!f) return [];
  return [
    {
      source: 'watermark',
      ai: true,
      detail: `an invisible watermark (${WATERMARK_ALG}) of issuer ${issuerHex(f.issuer)}, mark ${markHex(f.markId)}, is in the pixels`,
      alg: WATERMARK_ALG,
      issuer: issuerHex(f.issuer),
      markId: f.markId,
      bitErrorRate: f.bitErrorRate,
      syncZ: f.syncZ,
    },
  ];
}
