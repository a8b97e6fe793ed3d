/**
 * Names of AI image generators as they appear in EXIF Software, XMP CreatorTool, C2PA claim
 * generators and IPTC AISystemUsed. A name match is a strong trace, not a signature.
 */
const KNOWN_GENERATORS: [name: string, pattern: RegExp][] = [
  ['Midjourney', /\bmidjourney\b/i],
  ['DALL·E', /\bdall[·\-_ ]?e\b/i],
  ['OpenAI', /\bopenai\b|\bchatgpt\b|\bgpt-?4o\b|\bsora\b/i],
  ['Stable Diffusion', /\bstable[\s-]?diffusion\b|\bsdxl\b|\bstability\s?ai\b|\bdreamstudio\b/i],
  ['AUTOMATIC1111 / Forge web UI', /\bautomatic1111\b|\bstable-diffusion-webui\b|\bsd-webui\b|\bforge\b.*\bwebui\b/i],
  ['ComfyUI', /\bcomfyui\b/i],
  ['InvokeAI', /\binvoke\s?ai\b/i],
  ['Fooocus', /\bfooocus\b/i],
  ['NovelAI', /\bnovel\s?ai\b/i],
  ['Adobe Firefly', /\bfirefly\b/i],
  ['Google Imagen / Gemini', /\bimagen\b|\bgemini\b|\bnano[\s-]?banana\b/i],
  ['Ideogram', /\bideogram\b/i],
  ['Leonardo.Ai', /\bleonardo\.?\s?ai\b/i],
  ['FLUX', /\bflux(?:\.1)?\b.*\b(?:dev|schnell|pro)\b|\bblack forest labs\b/i],
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
  return KNOWN_GENERATORS.find(([, re]) => re.test(name))?.[0];
}
