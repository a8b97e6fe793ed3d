/**
 * Names of AI image generators as they appear in EXIF Software, XMP CreatorTool, C2PA claim
 * generators and IPTC AISystemUsed. A name match is a strong trace, not a signature.
 */
const KNOWN_GENERATORS: [name: string, pattern: RegExp | ((name: string) => boolean)][] = [
  ['Midjourney', /\bmidjourney\b/i],
  ['DALL·E', /\bdall[·\-_ ]?e\b/i],
  ['OpenAI', /\bopenai\b|\bchatgpt\b|\bgpt-?4o\b|\bsora\b/i],
  ['Stable Diffusion', /\bstable[\s-]?diffusion\b|\bsdxl\b|\bstability\s?ai\b|\bdreamstudio\b/i],
  ['AUTOMATIC1111 / Forge web UI', (n) => /\bautomatic1111\b|\bstable-diffusion-webui\b|\bsd-webui\b/i.test(n) || onOneLine(n, /\bforge\b/gi, /\bwebui\b/gi)],
  ['ComfyUI', /\bcomfyui\b/i],
  ['InvokeAI', /\binvoke\s?ai\b/i],
  ['Fooocus', /\bfooocus\b/i],
  ['NovelAI', /\bnovel\s?ai\b/i],
  ['Adobe Firefly', /\bfirefly\b/i],
  ['Google Imagen / Gemini', /\bimagen\b|\bgemini\b|\bnano[\s-]?banana\b/i],
  ['Ideogram', /\bideogram\b/i],
  ['Leonardo.Ai', /\bleonardo\.?\s?ai\b/i],
  ['FLUX', (n) => /\bblack forest labs\b/i.test(n) || onOneLine(n, /\bflux\b/gi, /\b(?:dev|schnell|pro)\b/gi)],
  ['Microsoft Designer / Bing Image Creator', /\bbing image creator\b|\bmicrosoft designer\b|\bcopilot designer\b/i],
  ['Craiyon', /\bcraiyon\b/i],
  ['Runway', /\brunway\s?ml\b|\brunway gen/i],
  ['Kandinsky', /\bkandinsky\b/i],
  ['Shedevrum (Yandex)', /\bshedevrum\b|шедеврум/i],
  ['GigaChat', /\bgigachat\b/i],
  ['Recraft', /\brecraft\b/i],
  ['Grok / Aurora', /\bgrok\b|\bxai aurora\b/i],
  ['Meta AI', /\bmeta ai\b|\bimagine with meta\b/i],
  ['Playground AI', /\bplayground\s?(?:ai|v\d)\b/i],
];

/** The generator a software or tool name points to, if it is a known one. */
export function knownGenerator(name: string | undefined): string | undefined {
  if (!name) return undefined;
  return KNOWN_GENERATORS.find(([, p]) => (typeof p === 'function' ? p(name) : p.test(name)))?.[0];
}

const LINE_BREAK = /[\n\r\u2028\u2029]/g;

/**
 * Whether `first` is followed by `then` on one line, as /first.*then/i reads it (then may not
 * overlap first). That regex ran to the end of the line from every `first` and back: 1 MB of
 * "forge " took minutes. Here every search moves forward: the next `then` found is remembered
 * until a later `first` passes it, so no part of the text is searched twice. Both must be
 * global (g) regexes.
 */
function onOneLine(s: string, first: RegExp, then: RegExp): boolean {
  first.lastIndex = 0;
  let thenAt = -1; // start of the first `then` at or after thenFrom; Infinity for none
  let thenFrom = Number.POSITIVE_INFINITY;
  for (let f = first.exec(s); f; f = first.exec(s)) {
    const from = f.index + f[0].length;
    if (from < thenFrom || thenAt < from) {
      then.lastIndex = from;
      thenAt = then.exec(s)?.index ?? Number.POSITIVE_INFINITY;
      thenFrom = from;
    }
    if (thenAt === Number.POSITIVE_INFINITY) return false;
    LINE_BREAK.lastIndex = from;
    const lineEnd = LINE_BREAK.exec(s)?.index ?? s.length;
    if (thenAt < lineEnd) return true;
    first.lastIndex = lineEnd + 1;
  }
  return false;
}
