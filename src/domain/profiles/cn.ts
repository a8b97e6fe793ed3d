/**
 * China: Measures for Labelling AI-Generated Synthetic Content (CAC, 2025) and the national
 * standard GB 45438-2025 (in force 1 September 2025).
 * - Explicit label: images carry a prominent notice «人工智能生成»; summaries of the standard
 *   give a text height of at least 5 % of the shorter side (not checked against the standard's
 *   own text). Texts carry the notice at the start or the end.
 * - Implicit label: metadata key AIGC with Label ("1" generated, "2" possibly, "3" suspected),
 *   ContentProducer, ProduceID, ReservedCode1, ContentPropagator, PropagateID, ReservedCode2;
 *   in images as XMP TC260:AIGC, namespace http://www.tc260.org.cn/ns/AIGC/1.0/ (TC260 practice
 *   guide). A platform passing content on fills ContentPropagator and PropagateID.
 */
import { NEED, unmet } from './requirements.js';
import type { Profile } from './types.js';

export const CN_NOTICE = '人工智能生成';
/** For pictures too small for the notice: the wording Chinese platforms use on small marks. */
export const CN_SHORT_MARK = 'AI生成';

const filled = (v: unknown) => typeof v === 'string' && v.trim() !== '';

export const CN: Profile = {
  id: 'cn',
  name: { kk: 'Қытай (GB 45438-2025)', ru: 'Китай (GB 45438-2025)', en: 'China (GB 45438-2025)' },
  source: 'CAC Measures for Labelling AI-Generated Synthetic Content (2025); GB 45438-2025; TC260 practice guide for implicit labels',
  minTextShare: 0.05,
  textPlacements: ['start', 'end'],
  writes: ['XMP TC260:AIGC (Label, ContentProducer, ProduceID, ContentPropagator, PropagateID)', 'IPTC/XMP DigitalSourceType', 'signed C2PA manifest'],
  mark: () => ({ wording: { zh: CN_NOTICE }, shortMark: CN_SHORT_MARK, script: 'cjk' }),
  judge: (e) => {
    const notice = e.visibleLanguages.includes('zh');
    const a = e.aigc;
    const implicit = !!a && ['1', '2', '3'].includes(String(a.Label)) && filled(a.ContentProducer) && filled(a.ProduceID);
    return {
      compliant: notice && implicit && !e.tampered,
      missing: unmet([
        [!e.tampered, NEED.intactManifest],
        [notice || e.visible === null, NEED.cnNotice],
        [notice || e.visible !== null, NEED.cnNoticeUnverified],
        [!!a, NEED.tc260],
        [!a || ['1', '2', '3'].includes(String(a.Label)), NEED.tc260Label],
        [!a || filled(a.ContentProducer), NEED.tc260Producer],
        [!a || filled(a.ProduceID), NEED.tc260ProduceId],
      ]),
    };
  },
};
