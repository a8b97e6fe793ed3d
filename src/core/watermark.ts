/**
 * The invisible watermark's part of labelling and verifying: the payload (issuer, a mark id
 * drawn before the pixels are signed and stored with the record), and the record a found mark
 * names. The pixels' side is label/watermark (embedding) and signals/watermark.ts (detection).
 */
import { randomInt } from 'node:crypto';
import { issuerHex, issuerOf, MARK_ID_BITS, markHex, WATERMARK_ALG, type WatermarkNote } from '../domain/watermark.js';
import type { Signal } from '../domain/report.js';
import type { WatermarkRequest } from '../label/image.js';
import type { CoreContext } from './types.js';

/** Mark ids handed out by this process and not yet in the record (two labellings at once never share one). */
const pending = new Set<number>();

/** A mark id no labelled record holds: random, checked against the record when there is one. */
async function newMarkId(ctx: CoreContext): Promise<number> {
  for (let i = 0; i < 32; i++) {
    const id = randomInt(1, 2 ** MARK_ID_BITS);
    if (pending.has(id)) continue;
    if (ctx.records?.findByMark && (await ctx.records.findByMark(id))) continue;
    pending.add(id);
    // The record holds it once written; the set only bridges the labelling in between.
    setTimeout(() => pending.delete(id), 10 * 60_000).unref();
    return id;
  }
  throw new Error('no free watermark mark id after 32 draws');
}

/** The watermark to embed, or none when no key is configured (WATERMARK_KEY=off). */
export async function watermarkFor(ctx: CoreContext): Promise<WatermarkRequest | undefined> {
  if (!ctx.watermarkKey) return undefined;
  return { key: ctx.watermarkKey, payload: { issuer: issuerOf(ctx.identity.organisation), markId: await newMarkId(ctx) } };
}

/**
 * What the manifest and the record say of the watermark embedded. A picture too small for it
 * (shorter side under 256 px) or with transparency has none, and its record no `watermark`:
 * not a warning, there is nothing the caller could do about it (README, "Invisible watermark").
 */
export function watermarkNote(wm: WatermarkRequest | undefined, embedded: boolean): WatermarkNote | undefined {
  if (!wm || !embedded) return undefined;
  return { alg: WATERMARK_ALG, issuer: wm.payload.issuer, markId: wm.payload.markId };
}

/** The watermark signal with the record it names, when the record has it. */
export async function resolveWatermark(signals: Signal[], ctx: CoreContext): Promise<void> {
  const s = signals.find((x) => x.source === 'watermark');
  if (!s || typeof s.markId !== 'number' || !ctx.records?.findByMark) return;
  const row = await ctx.records.findByMark(s.markId);
  if (row) {
    s.recordId = row.id;
    s.detail = `${s.detail}; it names record ${row.id}`;
  }
}

export { issuerHex, markHex };
