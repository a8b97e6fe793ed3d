/**
 * The XMP packet of a clean copy (core/clean.ts): the newsroom's editorial fields and the
 * input's machine-readable AI label (IPTC digital source type, AI system, GB 45438 TC260:AIGC),
 * nothing else. Not carried: prompts, editing history (xmpMM:History, DerivedFrom,
 * photoshop:DocumentAncestors), location, camera serials and owner (aux:, exifEX:), and every
 * property not named here.
 */
import { DST_BASE, type EditorialFields, editorialProps, simple } from './xmp.js';

export interface CleanXmpInput {
  editorial: EditorialFields;
  /** The input's IPTC digital source type (full URI or the bare term). */
  digitalSourceType?: string;
  aiSystem?: string;
  aiSystemVersion?: string;
  /** The input's TC260:AIGC JSON, as it was. */
  tc260?: string;
}

const NS = {
  dc: 'http://purl.org/dc/elements/1.1/',
  photoshop: 'http://ns.adobe.com/photoshop/1.0/',
  xmpRights: 'http://ns.adobe.com/xap/1.0/rights/',
  Iptc4xmpExt: 'http://iptc.org/std/Iptc4xmpExt/2008-02-29/',
  TC260: 'http://www.tc260.org.cn/ns/AIGC/1.0/',
};

export function buildCleanXmp(x: CleanXmpInput): string {
  const dst = x.digitalSourceType && !x.digitalSourceType.includes('/') ? DST_BASE + x.digitalSourceType : x.digitalSourceType;
  const props = [
    simple('Iptc4xmpExt:DigitalSourceType', dst),
    simple('Iptc4xmpExt:AISystemUsed', x.aiSystem),
    simple('Iptc4xmpExt:AISystemVersionUsed', x.aiSystemVersion),
    ...editorialProps(x.editorial),
    simple('TC260:AIGC', x.tc260),
  ].filter(Boolean);
  const xmlns = Object.entries(NS)
    .map(([p, uri]) => `xmlns:${p}="${uri}"`)
    .join(' ');
  return `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" ${xmlns}>
${props.join('\n')}
  </rdf:Description>
</rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>`;
}
