/**
 * /healthz: the process answers. /readyz: it can do its work (signer, exiftool, record, free
 * space in DATA_DIR, the embedded watch folder not halted), with the reasons when it cannot.
 */
import type { RequestHandler } from 'express';
import { ocrStatus } from '../../media/ocr.js';
import { tinyPng as makeTinyPng } from '../../media/sharp.js';
import { readTags } from '../../provenance/exiftool.js';
import type { AppDeps } from '../deps.js';

export const healthz: RequestHandler = (_req, res) => {
  res.setHeader('Cache-Control', 'no-store');
  res.json({ status: 'ok' });
};

let tinyPng: Promise<Buffer> | undefined;
let exiftoolOk: { at: number; ok: boolean } | undefined;

/** A real exiftool read of a 1×1 image, at most every 15 s (probes may come every second). */
async function exiftoolUsable(): Promise<boolean> {
  if (exiftoolOk && Date.now() - exiftoolOk.at < 15_000) return exiftoolOk.ok;
  tinyPng ??= makeTinyPng();
  const ok = await readTags(await tinyPng, 'png').then(
    () => true,
    () => false,
  );
  exiftoolOk = { at: Date.now(), ok };
  return ok;
}

export function readyz(deps: AppDeps): RequestHandler {
  return async (_req, res) => {
    const [disk, ocr] = await Promise.all([deps.disk.check(), ocrStatus()]);
    const watch = deps.watch();
    const checks: Record<string, boolean | 'absent'> = {
      accepting: deps.accepting(),
      signer: !!deps.ctx.identity?.signer,
      exiftool: await exiftoolUsable(),
      records: deps.ctx.records
        ? await deps.ctx.records.list({ limit: 1 }).then(
            () => true,
            () => false,
          )
        : 'absent',
      disk: disk.ok,
      watch: watch ? !watch.halted : 'absent',
    };
    const ready = Object.values(checks).every((v) => v !== false);
    const reasons: string[] = [];
    if (!checks.accepting) reasons.push('shutting down');
    if (!checks.signer) reasons.push('no signing identity');
    if (!checks.exiftool) reasons.push('ExifTool does not answer');
    if (checks.records === false) reasons.push('the record cannot be read');
    if (!disk.ok && disk.reason) reasons.push(disk.reason);
    if (watch?.halted) reasons.push(`the watch folder has halted${watch.reason ? ` (${watch.reason})` : ''}`);
    res.setHeader('Cache-Control', 'no-store');
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not ready',
      checks,
      ...(reasons.length ? { reasons } : {}),
      disk: { freeBytes: disk.freeBytes ?? null, minFreeBytes: disk.minFreeBytes },
      developmentSigner: deps.ctx.identity?.development ?? null,
      // Not a readiness check: without OCR an image's visible layer is reported unknown, with this reason.
      ocr: { available: ocr.available, languages: ocr.languages, ...(ocr.reason ? { reason: ocr.reason } : {}) },
    });
  };
}
