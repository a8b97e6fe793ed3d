/**
 * Hostile metadata builders shared by the scanner and metadata-worker tests: XMP packets, EXIF
 * blocks and PNG text made of runs of what the readers look for (openers without closers,
 * quotes never closed, thousands of prefixes, CDATA and entity runs, "Steps: 1", generator names).
 */
import { XMP_NS } from '../../src/signals/xmp-reader.js';

export const KB = 1024;
export const MB = 1024 * KB;
const RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';

/** `unit` repeated to about `bytes` bytes. */
export const run = (unit: string, bytes: number) => unit.repeat(Math.max(1, Math.ceil(bytes / Buffer.byteLength(unit))));

/** An XMP packet binding the prefixes the detectors read, with `body` inside rdf:Description (and `attrs` on it). */
export function packet(body: string, attrs = ''): string {
  return (
    `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="${RDF}">` +
    `<rdf:Description rdf:about="" xmlns:Iptc4xmpExt="${XMP_NS.iptcExt}" xmlns:xmp="${XMP_NS.xmp}" xmlns:TC260="${XMP_NS.tc260}" xmlns:tiff="${XMP_NS.tiff}"${attrs}>` +
    `${body}</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`
  );
}

/** Hostile XMP packets of about `bytes` bytes: each a run that made a reader rescan the rest of the packet. */
export function hostilePackets(bytes: number): Record<string, string> {
  return Object.fromEntries(Object.keys(packetBuilders(bytes)).map((name) => [name, hostilePacket(name, bytes)]));
}

/** One of hostilePackets(bytes), built alone (near the 8 MB cap, all of them take hundreds of MB). */
export function hostilePacket(name: string, bytes: number): string {
  const build = packetBuilders(bytes)[name];
  if (!build) throw new Error(`no hostile packet "${name}"`);
  return build();
}

function packetBuilders(bytes: number): Record<string, () => string> {
  const prefixes = Math.floor(bytes / 60);
  return {
    'xmlns declarations never closed': () => packet(run('xmlns:a="', bytes)),
    'xmlns attributes never closed': () => packet('', ` xmlns:b='${run(' xmlns:a=', bytes)}`),
    'thousands of prefixes for the IPTC namespace': () =>
      packet(
        '<Iptc4xmpExt:DigitalSourceType>x</Iptc4xmpExt:DigitalSourceType>',
        Array.from({ length: prefixes }, (_, i) => ` xmlns:p${i}="${XMP_NS.iptcExt}"`).join(''),
      ),
    'nested properties under many prefixes': () =>
      packet(
        Array.from({ length: Math.min(prefixes, 20_000) }, (_, i) => `<p${i}:DigitalSourceType>`).join('') + run('<rdf:li>a</rdf:li>', bytes / 2),
        Array.from({ length: Math.min(prefixes, 20_000) }, (_, i) => ` xmlns:p${i}="${XMP_NS.iptcExt}"`).join(''),
      ),
    'property openers never closed': () => packet(run('<Iptc4xmpExt:DigitalSourceType>', bytes)),
    'property openers with attributes, no ">"': () => packet(run('<Iptc4xmpExt:DigitalSourceType ', bytes)),
    'rdf:resource openers, no ">"': () => packet(run('<Iptc4xmpExt:DigitalSourceType rdf:resource="x" ', bytes)),
    'property closers only': () => packet(run('</Iptc4xmpExt:DigitalSourceType>', bytes)),
    'rdf:li never closed': () => packet(`<Iptc4xmpExt:DigitalSourceType><rdf:Bag>${run('<rdf:li>', bytes)}</rdf:Bag></Iptc4xmpExt:DigitalSourceType>`),
    'rdf:li with attributes, no ">"': () =>
      packet(`<Iptc4xmpExt:DigitalSourceType><rdf:Bag>${run('<rdf:li ', bytes)}</rdf:Bag></Iptc4xmpExt:DigitalSourceType>`),
    'attribute form never closed': () => packet(run(' Iptc4xmpExt:AISystemUsed="', bytes)),
    'attribute form with spaces': () => packet(run(' Iptc4xmpExt:AISystemUsed  ', bytes)),
    'CDATA openers never closed': () => packet(`<xmp:CreatorTool>${run('<![CDATA[', bytes)}</xmp:CreatorTool>`),
    'CDATA sections': () => packet(`<xmp:CreatorTool>${run('<![CDATA[a]]>', bytes)}</xmp:CreatorTool>`),
    'entities, numeric and out of range': () => packet(`<xmp:CreatorTool>${run('&#x1F600;&#99999999999;&#x110000;&#xD800;&amp;&#', bytes)}</xmp:CreatorTool>`),
    'long entity digits': () => packet(`<xmp:CreatorTool>&#x${run('f', bytes / 2)}; &#${run('9', bytes / 2)};</xmp:CreatorTool>`),
    'comments never closed': () => packet(run('<!--', bytes)),
    'generator names: forge (no webui)': () => packet(`<xmp:CreatorTool>${run('forge ', bytes)}</xmp:CreatorTool>`),
    'generator names: flux (no model)': () => packet(`<tiff:Software>${run('flux ', bytes)}</tiff:Software>`),
    'long prefix name': () =>
      packet(`<${run('a', bytes / 4)}:AISystemUsed>x</${run('a', bytes / 4)}:AISystemUsed>`, ` xmlns:${run('a', bytes / 4)}="${XMP_NS.iptcExt}"`),
    'huge values': () =>
      packet(
        `<Iptc4xmpExt:AISystemUsed>${run('Midjourney ', bytes / 5)}</Iptc4xmpExt:AISystemUsed><Iptc4xmpExt:DigitalSourceType>${run('x', bytes / 5)}</Iptc4xmpExt:DigitalSourceType>` +
          `<TC260:AIGC>{"Label":"1","ContentProducer":"${run('p', bytes / 5)}"}</TC260:AIGC><xmp:CreatorTool>${run('midjourney ', bytes / 5)}</xmp:CreatorTool>`,
        ` Iptc4xmpExt:AISystemVersionUsed="${run('7', bytes / 5)}"`,
      ),
    'TC260 values': () =>
      packet(
        `<Iptc4xmpExt:DigitalSourceType><rdf:Bag>${run('<rdf:li>x</rdf:li>', bytes / 2)}</rdf:Bag></Iptc4xmpExt:DigitalSourceType>${run('<TC260:AIGC>{}</TC260:AIGC>', bytes / 2)}`,
      ),
  };
}

/** `webp` (a VP8X WebP with EXIF and XMP chunks) with those chunks' payloads replaced. */
export function webpWith(webp: Buffer, parts: { exif?: Buffer; xmp?: string }): Buffer {
  const chunks: Buffer[] = [];
  for (let at = 12; at + 8 <= webp.length; ) {
    const fourcc = webp.toString('latin1', at, at + 4);
    const size = webp.readUInt32LE(at + 4);
    let data = webp.subarray(at + 8, at + 8 + size);
    if (fourcc === 'EXIF' && parts.exif) data = parts.exif;
    if (fourcc === 'XMP ' && parts.xmp !== undefined) data = Buffer.from(parts.xmp, 'utf8');
    const head = Buffer.alloc(8);
    head.write(fourcc, 0, 'latin1');
    head.writeUInt32LE(data.length, 4);
    chunks.push(head, data, Buffer.alloc(data.length & 1));
    at += 8 + size + (size & 1);
  }
  const body = Buffer.concat(chunks);
  const riff = Buffer.alloc(12);
  riff.write('RIFF', 0, 'latin1');
  riff.writeUInt32LE(4 + body.length, 4);
  riff.write('WEBP', 8, 'latin1');
  return Buffer.concat([riff, body]);
}

/** An EXIF block ("Exif\0\0" + little-endian TIFF) with IFD0 Software / ImageDescription and an Exif IFD UserComment. */
export function exifBlock(fields: { software?: string; imageDescription?: string; userComment?: string }): Buffer {
  const ifd0: [number, Buffer][] = [];
  if (fields.software !== undefined) ifd0.push([0x0131, Buffer.from(`${fields.software}\0`, 'latin1')]);
  if (fields.imageDescription !== undefined) ifd0.push([0x010e, Buffer.from(`${fields.imageDescription}\0`, 'latin1')]);
  const comment =
    fields.userComment === undefined ? undefined : Buffer.concat([Buffer.from('ASCII\0\0\0', 'latin1'), Buffer.from(fields.userComment, 'latin1')]);
  const entries = ifd0.length + (comment ? 1 : 0);
  const ifd0At = 8;
  const exifIfdAt = ifd0At + 2 + entries * 12 + 4;
  let dataAt = exifIfdAt + (comment ? 2 + 12 + 4 : 0);
  const values: Buffer[] = [];
  const tiff = Buffer.alloc(dataAt);
  tiff.write('II', 0, 'latin1');
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(ifd0At, 4);
  tiff.writeUInt16LE(entries, ifd0At);
  const entry = (at: number, tag: number, type: number, count: number, value: number) => {
    tiff.writeUInt16LE(tag, at);
    tiff.writeUInt16LE(type, at + 2);
    tiff.writeUInt32LE(count, at + 4);
    tiff.writeUInt32LE(value, at + 8);
  };
  ifd0.forEach(([tag, v], i) => {
    entry(ifd0At + 2 + i * 12, tag, 2, v.length, dataAt);
    values.push(v);
    dataAt += v.length;
  });
  if (comment) {
    entry(ifd0At + 2 + ifd0.length * 12, 0x8769, 4, 1, exifIfdAt);
    tiff.writeUInt16LE(1, exifIfdAt);
    entry(exifIfdAt + 2, 0x9286, 7, comment.length, dataAt);
    values.push(comment);
  }
  return Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff, ...values]);
}

/** Hostile EXIF text fields of about `bytes` bytes. */
export function hostileExif(bytes: number): Record<string, Buffer> {
  return {
    'UserComment of "Steps: 1 " runs': exifBlock({ userComment: run('Steps: 1 ', bytes) }),
    'UserComment of "Steps: 1" lines': exifBlock({ userComment: run('Steps: 1\n', bytes) }),
    'Software of "forge " runs': exifBlock({ software: run('forge ', bytes) }),
    'ImageDescription of "flux " runs': exifBlock({ imageDescription: run('flux ', bytes) }),
  };
}

/** PNG text chunks of about `bytes` bytes. */
export function hostilePngText(bytes: number): Record<string, { keyword: string; text: string; type?: 'tEXt' | 'zTXt' | 'iTXt' }[]> {
  return {
    'parameters of "Steps: 1 " runs': [{ keyword: 'parameters', text: run('Steps: 1 ', bytes) }],
    'parameters of "Model:" runs': [{ keyword: 'parameters', text: run('Model:  ,', bytes / 2) + run('\nSteps:', bytes / 2) }],
    'ComfyUI prompt of model names': [
      { keyword: 'prompt', text: `{"1":{"class_type":"x","inputs":${JSON.stringify(run('"ckpt_name": "', bytes))}}}`, type: 'zTXt' },
    ],
    'Software of "novelai" runs': [{ keyword: 'Software', text: run('novela', bytes) }],
  };
}
