/**
 * Builds the XMP packet written by sharp before signing. It carries the IPTC AI fields, the
 * disclosure text, GB 45438's TC260:AIGC JSON, and the editorial fields of the input
 * (caption, credit, rights...) so that replacing the packet loses none of them.
 */
export const DST_BASE = 'http://cv.iptc.org/newscodes/digitalsourcetype/';
import type { SourceType } from '../domain/vocabulary.js';

export { SOURCE_TYPES, type SourceType } from '../domain/vocabulary.js';

export interface EditorialFields {
  title?: string;
  description?: string;
  creator?: string[];
  rights?: string;
  credit?: string;
  source?: string;
  headline?: string;
  keywords?: string[];
  usageTerms?: string;
  /** The input's own GB 45438 implicit label: its producer is kept when a platform passes it on (cn --propagator). Never written as is. */
  aigc?: { Label?: string; ContentProducer?: string; ProduceID?: string };
}

export interface XmpInput {
  sourceType: SourceType;
  aiSystem?: string;
  aiSystemVersion?: string;
  prompt?: string;
  promptWriter?: string;
  disclosure: string;
  organisation: string;
  instanceId: string;
  editorial: EditorialFields;
  creatorTool: string;
  /** cn: the platform passing the content on (TC260 ContentPropagator; PropagateID = instanceId). */
  propagator?: string;
  /** us-ca: the California latent disclosure (SB 942), also signed into the manifest. */
  latent?: { provider?: string; system?: string; systemVersion?: string; createdAt?: string; identifier?: string };
}

/** The latent-disclosure namespace: XMP-latent:Provider, SystemName, SystemVersion, CreatedAt, UniqueIdentifier in ExifTool. */
export const LATENT_NS = 'http://ns.labeller.kz/latent-disclosure/1.0/';

const NS = {
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  dc: 'http://purl.org/dc/elements/1.1/',
  photoshop: 'http://ns.adobe.com/photoshop/1.0/',
  xmp: 'http://ns.adobe.com/xap/1.0/',
  xmpMM: 'http://ns.adobe.com/xap/1.0/mm/',
  xmpRights: 'http://ns.adobe.com/xap/1.0/rights/',
  Iptc4xmpExt: 'http://iptc.org/std/Iptc4xmpExt/2008-02-29/',
  TC260: 'http://www.tc260.org.cn/ns/AIGC/1.0/',
};

/**
 * The GB 45438 implicit label (TC260 AIGC object): our organisation produced it, under this
 * output's instance id; a platform passing on content that already names its producer keeps
 * that producer and adds itself as the propagator.
 */
export function aigcOf(x: Pick<XmpInput, 'organisation' | 'instanceId' | 'propagator'> & { upstream?: EditorialFields['aigc'] }): Record<string, string> {
  const up = x.propagator && x.upstream?.ContentProducer && x.upstream.ProduceID ? x.upstream : undefined;
  return {
    Label: up?.Label && ['1', '2', '3'].includes(up.Label) ? up.Label : '1',
    ContentProducer: up?.ContentProducer ?? x.organisation,
    ProduceID: up?.ProduceID ?? x.instanceId,
    ReservedCode1: '',
    ContentPropagator: x.propagator ?? '',
    PropagateID: x.propagator ? x.instanceId : '',
    ReservedCode2: '',
  };
}

export function buildXmp(x: XmpInput): string {
  const e = x.editorial;
  const description = e.description && !e.description.includes(x.disclosure) ? `${e.description}\n\n${x.disclosure}` : (e.description ?? x.disclosure);
  const aigc = JSON.stringify(aigcOf({ ...x, upstream: x.editorial.aigc }));
  const props = [
    simple('Iptc4xmpExt:DigitalSourceType', DST_BASE + x.sourceType),
    simple('Iptc4xmpExt:AISystemUsed', x.aiSystem),
    simple('Iptc4xmpExt:AISystemVersionUsed', x.aiSystemVersion),
    simple('Iptc4xmpExt:AIPromptInformation', x.prompt),
    simple('Iptc4xmpExt:AIPromptWriterName', x.promptWriter),
    ...editorialProps(e, description),
    simple('photoshop:Instructions', x.disclosure),
    simple('xmp:CreatorTool', x.creatorTool),
    simple('xmp:MetadataDate', new Date().toISOString()),
    simple('xmpMM:InstanceID', x.instanceId),
    simple('TC260:AIGC', aigc),
    ...latentProps(x.latent),
  ].filter(Boolean);
  const xmlns = Object.entries({ ...NS, ...(x.latent ? { latent: LATENT_NS } : {}) })
    .filter(([p]) => p !== 'rdf')
    .map(([p, uri]) => `xmlns:${p}="${uri}"`)
    .join('\n    ');
  return `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="${NS.rdf}">
  <rdf:Description rdf:about=""
    ${xmlns}>
${props.join('\n')}
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`;
}

function latentProps(l: XmpInput['latent']): string[] {
  if (!l) return [];
  return [
    simple('latent:Provider', l.provider),
    simple('latent:SystemName', l.system),
    simple('latent:SystemVersion', l.systemVersion),
    simple('latent:CreatedAt', l.createdAt),
    simple('latent:UniqueIdentifier', l.identifier),
  ];
}

function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');
}

/** The newsroom's fields of the input, carried into a label (and a clean copy). */
export function editorialProps(e: EditorialFields, description = e.description): string[] {
  return [
    alt('dc:title', e.title),
    alt('dc:description', description),
    list('dc:creator', 'Seq', e.creator),
    alt('dc:rights', e.rights),
    list('dc:subject', 'Bag', e.keywords),
    simple('photoshop:Credit', e.credit),
    simple('photoshop:Source', e.source),
    simple('photoshop:Headline', e.headline),
    alt('xmpRights:UsageTerms', e.usageTerms),
  ];
}

export function simple(name: string, value?: string): string {
  return value ? `   <${name}>${esc(value)}</${name}>` : '';
}

function alt(name: string, value?: string): string {
  return value ? `   <${name}><rdf:Alt><rdf:li xml:lang="x-default">${esc(value)}</rdf:li></rdf:Alt></${name}>` : '';
}

function list(name: string, kind: 'Seq' | 'Bag', values?: string[]): string {
  return values?.length ? `   <${name}><rdf:${kind}>${values.map((v) => `<rdf:li>${esc(v)}</rdf:li>`).join('')}</rdf:${kind}></${name}>` : '';
}
