/**
 * The text carrier's reading side: what provenance a text holds, and nothing more. It finds
 * the one C2PA carrier (A.8 wrapper, A.9 front-matter block, A.7 script), has the shared C2PA
 * detector check the signature and the hard binding over the file's bytes, reads the visible
 * notice from the words a reader sees, and the plain AI fields of front matter and HTML metas.
 * The verdict and the summary are the core's (core/verify.ts), the same for every kind of file.
 */
import type { C2paSummary, Signal } from '../domain/report.js';
import { believedWarning } from '../domain/warning-trust.js';
import type { TextFormat } from '../domain/vocabulary.js';
import { type C2paCheck, type C2paFindings, detectC2paStore } from '../signals/c2pa.js';
import type { Carrier } from './carriers.js';
import { TEXT_MIME } from './format.js';
import { findRecordedNotice } from './notice.js';
import { runTextTask } from './worker/pool.js';
import { asBuffer } from './worker/tasks.js';

export interface TextProvenance {
  format: TextFormat;
  mimeType: string;
  c2pa: C2paSummary;
  signals: Signal[];
  /** The words a reader sees were read: a missing notice is known to be missing. */
  visibleLayerRead: true;
}

export async function readTextProvenance(input: Buffer, hint: TextFormat | undefined, check: C2paCheck): Promise<TextProvenance> {
  // Decoding, carriers, format, visible text and plain claims: off the event loop (worker/pool.ts).
  const analysis = await runTextTask('verify', input, hint);
  const carriers = analysis.carriers.map((c) => (c.store ? { ...c, store: asBuffer(c.store) } : c));
  // A byte-order mark added by an editor is encoding, not content: the binding covers the text after it.
  const asset = analysis.bom && analysis.encoding === 'utf-8' ? input.subarray(3) : input;
  const { c2pa, signals } = await checkCarriers(asset, carriers, check);

  // A wording recorded by a signer we do not believe can only raise the bar: common phrasings must be there too.
  const wording = c2pa.visibleWarning?.wording;
  const recorded = wording && Object.keys(wording).length ? findRecordedNotice(analysis.visible, analysis.visibleNfc, wording) : analysis.genericNotice;
  const notice = !c2pa.visibleWarning || believedWarning(c2pa) ? recorded : { ...recorded, found: recorded.found && analysis.genericNotice.found };
  if (notice.found)
    signals.push({
      source: 'text-notice',
      ai: true,
      visible: true,
      detail: `a visible AI warning is in the text: "${notice.excerpt}"`,
      languages: notice.languages,
    });
  else if (notice.languages.length)
    signals.push({
      source: 'text-notice',
      ai: true,
      visible: false,
      partial: true,
      detail: `the visible warning is only partly there (languages: ${notice.languages.join(', ')})`,
    });

  // Plain fields anyone can write: machine-readable labels like IPTC on an image, never proof of "not AI".
  const claims = analysis.claims;
  if (claims?.aiGenerated !== undefined) {
    const source = analysis.format === 'md' ? 'front-matter' : 'html-meta';
    const where = analysis.format === 'md' ? 'the front matter says ai_generated' : "the page's meta tag says ai-generated";
    signals.push({
      source,
      ai: claims.aiGenerated,
      label: claims.aiGenerated,
      detail: `${where}: ${claims.aiGenerated}`,
      ...(claims.digitalSourceType ? { digitalSourceType: claims.digitalSourceType } : {}),
    });
  }
  return { format: analysis.format, mimeType: TEXT_MIME[analysis.format], c2pa, signals, visibleLayerRead: true };
}

/** One carrier is read; several are a conflict nobody can rely on; a remote one is never fetched. */
async function checkCarriers(asset: Buffer, carriers: Carrier[], check: C2paCheck): Promise<C2paFindings> {
  if (carriers.length === 0) return { c2pa: { state: 'absent', codes: [] }, signals: [] };
  const kinds = carriers.map((c) => c.kind);
  const found = await findingsOf(asset, carriers, check);
  // The detector's C2PA signals, named as a text's and with the carrier they came from.
  for (const s of found.signals) if (s.source === 'c2pa') Object.assign(s, { source: 'c2pa-text', carriers: kinds });
  return found;
}

async function findingsOf(asset: Buffer, carriers: Carrier[], check: C2paCheck): Promise<C2paFindings> {
  const where = carriers.map((c) => c.kind).join(', ');
  if (carriers.length > 1) {
    const message = `the text holds ${carriers.length} C2PA carriers (${where}); a text may hold only one, so none is relied on`;
    return {
      c2pa: { state: 'invalid', codes: ['text.multipleManifests'], message },
      signals: [{ source: 'c2pa', ai: null, label: false, verified: false, detail: message }],
    };
  }
  const [carrier] = carriers;
  if (carrier.url) {
    const message = `a reference to a remote C2PA manifest (${carrier.url}), not fetched`;
    return {
      c2pa: { state: 'remote', codes: [], remoteUrl: carrier.url, message },
      signals: [{ source: 'c2pa', ai: null, label: false, remoteUrl: carrier.url, detail: message }],
    };
  }
  if (!carrier.store) {
    const message = `a C2PA carrier (${where}) that cannot be read: ${carrier.problem ?? 'unknown reason'}`;
    return {
      c2pa: { state: 'unreadable', codes: ['text.carrierMalformed'], message: carrier.problem },
      signals: [{ source: 'c2pa', ai: null, label: false, detail: message }],
    };
  }
  return detectC2paStore(carrier.store, asset, 'text/plain', check);
}
