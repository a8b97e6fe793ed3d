/**
 * Verifies a text: finds its one C2PA carrier, checks the signature and the hard binding
 * over the file's bytes (c2pa-node applies the exclusions the store records), looks for the
 * visible warning, and reads the plain AI fields of Markdown front matter and HTML metas.
 */
import { sha256 } from '../core/record.js';
import { Reader } from '@contentauth/c2pa-node';
import type { C2paSummary, Signal, VerifyPolicy, VerifyReport } from '../core/report.js';
import type { CoreContext } from '../core/types.js';
import { errorMessage } from '../errors.js';
import type { TextFormat } from '../media/sniff.js';
import { c2paSettings, type ReadSettings } from '../provenance/c2pa.js';
import { believedWarning, warningSigner } from '../core/warning-trust.js';
import type { Carrier } from './carriers.js';
import { TEXT_MIME } from './format.js';
import { findRecordedNotice } from './notice.js';
import { runTextTask } from './worker/pool.js';
import { asBuffer } from './worker/tasks.js';
import { summarise } from './summary.js';
import { isAiSourceType, summaryOfManifest } from './manifest-summary.js';

export async function verifyText(input: Buffer, policy: VerifyPolicy, ctx: CoreContext, hint?: TextFormat): Promise<VerifyReport> {
  // Decoding, carriers, format, visible text and plain claims: off the event loop (worker/pool.ts).
  const analysis = await runTextTask('verify', input, hint);
  const { format, claims } = analysis;
  const carriers = analysis.carriers.map((c) => (c.store ? { ...c, store: asBuffer(c.store) } : c));
  const utf8Bom = analysis.bom && analysis.encoding === 'utf-8';
  const c2pa = await checkCarriers(input, utf8Bom, carriers, { trustAnchorsPem: anchorsOf(ctx, policy) });
  // Our warning assertion counts only from our own certificate or a trusted signer (core/warning-trust.ts).
  if (c2pa.visibleWarning) c2pa.visibleWarning.signer = await warningSigner(c2pa.state, ctx.identity.certPem, async (pem) => (await checkCarriers(input, utf8Bom, carriers, { allowedListPem: pem })).state === 'trusted');

  const signals: Signal[] = [];
  const dst = c2pa.actions?.find((a) => a.digitalSourceType)?.digitalSourceType;
  if (c2pa.state !== 'absent') {
    const ai = c2pa.actions ? c2pa.actions.some((a) => isAiSourceType(a.digitalSourceType)) : null;
    signals.push({
      source: 'c2pa-text',
      ai: c2pa.state === 'unreadable' || c2pa.state === 'remote' ? null : ai,
      detail: c2paDetail(c2pa, carriers),
      carriers: carriers.map((c) => c.kind),
      ...(dst ? { digitalSourceType: dst } : {}),
    });
  }

  // A wording recorded by a signer we do not believe can only raise the bar: common phrasings must be there too.
  const wording = c2pa.visibleWarning?.wording;
  const recorded = wording && Object.keys(wording).length ? findRecordedNotice(analysis.visible, analysis.visibleNfc, wording) : analysis.genericNotice;
  const notice = !c2pa.visibleWarning || believedWarning(c2pa) ? recorded : { ...recorded, found: recorded.found && analysis.genericNotice.found };
  if (notice.found) signals.push({ source: 'text-notice', ai: true, detail: `a visible AI warning is in the text: "${notice.excerpt}"`, languages: notice.languages });
  else if (notice.languages.length) signals.push({ source: 'text-notice', ai: true, detail: `the visible warning is only partly there (languages: ${notice.languages.join(', ')})`, partial: true });

  if (format === 'md') {
    const fm = claims ?? {};
    if (fm.aiGenerated !== undefined) signals.push({ source: 'front-matter', ai: fm.aiGenerated, detail: `the front matter says ai_generated: ${fm.aiGenerated}`, ...(fm.digitalSourceType ? { digitalSourceType: fm.digitalSourceType } : {}) });
  }
  if (format === 'html') {
    const meta = claims ?? {};
    if (meta.aiGenerated !== undefined) signals.push({ source: 'html-meta', ai: meta.aiGenerated, detail: `the page's meta tag says ai-generated: ${meta.aiGenerated}`, ...(meta.digitalSourceType ? { digitalSourceType: meta.digitalSourceType } : {}) });
  }

  const aiGenerated = signals.some((s) => s.ai === true) ? true : signals.some((s) => s.ai === false) ? false : null;
  const tampered = c2pa.codes.some((c) => /mismatch|malformed/i.test(c));
  const machineReadable = (c2pa.state === 'valid' || c2pa.state === 'trusted') && signals.some((s) => s.source === 'c2pa-text' && s.ai === true);
  const visibleWarning = notice.found;
  return {
    kind: 'text',
    format,
    mimeType: TEXT_MIME[format],
    sha256: sha256(input),
    bytes: input.length,
    aiGenerated,
    tampered,
    c2pa,
    signals,
    compliance: { machineReadable, visibleWarning, compliant: machineReadable && visibleWarning },
    summary: summarise({ state: c2pa.state, tampered, machineReadable, visibleWarning, aiGenerated, several: carriers.length > 1 }),
    checkedAt: new Date().toISOString(),
  };
}

function anchorsOf(ctx: CoreContext, policy: VerifyPolicy): string | undefined {
  const pems = [ctx.trustAnchorsPem, policy.trustAnchorsPem].filter((p): p is string => !!p?.trim());
  return pems.length ? pems.join('\n') : undefined;
}

async function checkCarriers(input: Buffer, utf8Bom: boolean, carriers: Carrier[], settings: ReadSettings): Promise<C2paSummary> {
  if (carriers.length === 0) return { state: 'absent', codes: [] };
  if (carriers.length > 1) {
    return { state: 'invalid', codes: ['text.multipleManifests'], message: `the text holds ${carriers.length} C2PA carriers (${carriers.map((c) => c.kind).join(', ')}); a text may hold only one, so none is relied on` };
  }
  const [carrier] = carriers;
  if (carrier.url) return { state: 'remote', codes: [], remoteUrl: carrier.url, message: 'the text refers to a remote manifest; it was not fetched' };
  if (!carrier.store) return { state: 'unreadable', codes: ['text.carrierMalformed'], message: carrier.problem };
  // A byte-order mark added by an editor is encoding, not content: the binding covers the text after it.
  const asset = utf8Bom ? input.subarray(3) : input;
  try {
    const reader = await Reader.fromManifestDataAndAsset(carrier.store, { buffer: asset, mimeType: 'text/plain' }, c2paSettings(settings) as never);
    return summaryOfManifest(reader.json() as unknown as Record<string, unknown>);
  } catch (err) {
    return { state: 'unreadable', codes: [], message: `the C2PA manifest cannot be read: ${errorMessage(err).slice(0, 200)}` };
  }
}

function c2paDetail(c2pa: C2paSummary, carriers: Carrier[]): string {
  const where = carriers.map((c) => c.kind).join(', ');
  switch (c2pa.state) {
    case 'trusted':
      return `a C2PA manifest (${where}) signed by a trusted identity, binding intact`;
    case 'valid':
      return `a C2PA manifest (${where}) with a valid signature and intact binding; the signer is not on the trust list`;
    case 'invalid':
      return `a C2PA manifest (${where}) that does not validate: ${c2pa.message ?? c2pa.codes.join(', ')}`;
    case 'remote':
      return `a reference to a remote C2PA manifest (${c2pa.remoteUrl}), not fetched`;
    default:
      return `a C2PA carrier (${where}) that cannot be read: ${c2pa.message ?? 'unknown reason'}`;
  }
}
