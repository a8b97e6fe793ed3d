// The service's codes in the page's words: every value is looked up in the catalogue by its
// code (C2PA states, relations, actions, validation codes, IPTC source types, placements,
// doors, verdicts, trace sources); an unknown code gets a generic word, never the code itself.
import { has } from './i18n.js';
import { date, tr } from './common.js';

const known = (prefix, code, fallback) => (has(`${prefix}.${code}`) ? tr(`${prefix}.${code}`) : tr(fallback));

/** `http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia` → its IPTC name in the page's language. */
export function sourceTypeName(value) {
  const code = String(value ?? '')
    .trim()
    .replace(/^https?:\/\/cv\.iptc\.org\/newscodes\/digitalsourcetype\//i, '')
    .replace(/\/$/, '');
  return known('src', code, 'src.other');
}

export const placementName = (p) => known('place', p, 'place.other');
export const stateName = (s) => known('c2pa.state', s, 'c2pa.state.other');
export const relationName = (r) => known('rel', r, 'rel.other');
export const doorName = (d) => known('door', d, 'door.other');
export const kindName = (k) => known('kind', k, 'kind.other');

/** `c2pa.created` → "Created"; a vendor action (`com.example.x`) → "Another action". */
export const actionName = (a) => known('action', String(a ?? '').replace(/\.v\d+$/, ''), 'action.other');

/** A C2PA validation code in plain words. */
export const c2paCodeText = (c) => known('code', c, 'code.other');

/** The record's actor: built-in ones are words, API key names are shown as they are. */
export function actorName(a) {
  return has(`actor.${a}`) ? tr(`actor.${a}`) : a;
}

/**
 * One word per verification, the same rule as the record's `verdict` column
 * (src/registry/verdict.ts), so the Verify badge and the History filter use the same words.
 */
export function verdictOf(r) {
  if (r.tampered || r.c2pa?.state === 'invalid') return 'invalid';
  if (r.compliance?.compliant) return 'compliant';
  if (r.aiGenerated === true) return 'non-compliant';
  if (r.aiGenerated === false) return 'not-ai';
  return 'unknown';
}

export const VERDICTS = ['compliant', 'non-compliant', 'invalid', 'not-ai', 'unknown'];
export const verdictName = (v) => known('verdict', v, 'verdict.unknown');
export const VERDICT_TONE = { compliant: 'good', 'non-compliant': 'warn', invalid: 'bad', 'not-ai': 'neutral', unknown: 'neutral' };

/**
 * Who signed, as a badge: 'trusted' (chains to a trust anchor), 'development' (this service's
 * development identity), 'own' (this service's real certificate), 'untrusted', or none.
 */
export function signerTrust(r, info) {
  const c = r.c2pa ?? {};
  if (c.state === 'trusted') return 'trusted';
  if (c.state !== 'valid') return undefined;
  if (c.visibleWarning?.signer === 'own') return info?.signer?.development ? 'development' : 'own';
  if (/development - UNTRUSTED|development root CA \(UNTRUSTED\)/.test(`${c.signer?.commonName ?? ''} ${c.signer?.issuer ?? ''}`)) return 'development';
  return 'untrusted';
}

const yesNo = (v) => (v === true ? tr('yes') : v === false ? tr('no') : tr('unknown'));

/** One trace of the report as a sentence in the page's language, built from its fields (never its English `detail`). */
export function signalLine(s) {
  const st = s.value ?? s.digitalSourceType;
  switch (s.source) {
    case 'c2pa':
      if (st)
        return tr(s.verified ? 'sig.c2pa.type' : 'sig.c2pa.typeBroken', { action: actionName(String(s.field ?? '').split(' ')[0]), type: sourceTypeName(st) });
      if (s.remoteUrl) return tr('sig.c2pa.remote');
      return tr(s.verified ? 'sig.c2pa.noType' : 'sig.c2pa.broken');
    case 'c2pa-ingredient':
      return tr('sig.c2pa-ingredient', { type: sourceTypeName(st) });
    case 'c2pa-generator':
      return tr('sig.generator', { generator: s.generator ?? '?' });
    case 'c2pa-visible-warning':
      return tr(s.believed === false ? 'sig.warning.untrusted' : s.verified === false ? 'sig.warning.broken' : 'sig.warning');
    case 'c2pa-text':
      return tr(st ? 'sig.c2pa-text.type' : 'sig.c2pa-text', { type: st ? sourceTypeName(st) : '' });
    case 'xmp-iptc':
      return tr(s.ai === true ? 'sig.iptc.ai' : s.ai === false ? 'sig.iptc.notAi' : 'sig.iptc.other', { type: sourceTypeName(st) });
    case 'xmp-iptc-ai':
      return s.aiSystem ? tr('sig.iptcAi.system', { system: [s.aiSystem, s.aiSystemVersion].filter(Boolean).join(' ') }) : tr('sig.iptcAi.prompt');
    case 'tc260':
      return tr(s.ai === true ? 'sig.tc260' : 'sig.tc260.unknown');
    case 'exif-software':
      return tr('sig.software', { generator: s.generator ?? '?' });
    case 'exif-camera':
      return tr('sig.camera', { camera: s.value ?? '?' });
    case 'png-text':
      return tr('sig.pngText', { generator: s.generator ?? '?' });
    case 'registry':
      return tr(s.match === 'exact' ? 'sig.registry.exact' : 'sig.registry.near', { id: s.recordId ?? '?', time: s.record?.time ? date(s.record.time) : '?' });
    case 'text-notice':
      return tr(s.partial ? 'sig.notice.partial' : 'sig.notice');
    case 'front-matter':
      return tr('sig.frontMatter', { value: yesNo(s.ai) });
    case 'html-meta':
      return tr('sig.htmlMeta', { value: yesNo(s.ai) });
    default:
      return tr(s.ai === true ? 'sig.other.ai' : 'sig.other');
  }
}

/** The trace's source as a short name ("C2PA", "IPTC metadata", "our record"). */
export const signalSourceName = (src) => known('source', src, 'source.other');
