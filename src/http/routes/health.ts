/** /healthz: the process answers. /readyz: it can do its work (signer, exiftool, record). */
import type { RequestHandler } from 'express';
import sharp from 'sharp';
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
  tinyPng ??= sharp({ create: { width: 1, height: 1, channels: 3, background: '#fff' } }).png().toBuffer();
  const ok = await readTags(await tinyPng, 'png').then(
    () => true,
    () => false,
  );
  exiftoolOk = { at: Date.now(), ok };
  return ok;
}

export function readyz(deps: AppDeps): RequestHandler {
  return async (_req, res) => {
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
    };
    const ready = Object.values(checks).every((v) => v !== false);
    res.setHeader('Cache-Control', 'no-store');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks, developmentSigner: deps.ctx.identity?.development ?? null });
  };
}
