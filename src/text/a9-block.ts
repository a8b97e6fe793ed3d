/**
 * C2PA A.9 structured-text reference: one line
 * `-----BEGIN C2PA MANIFEST----- data:application/c2pa;base64,… -----END C2PA MANIFEST-----`
 * inside a comment or Markdown front matter. We write it as a YAML comment in the front
 * matter, beside plain fields that simpler tools read (ai_generated, digital_source_type).
 */
const BEGIN = '-----BEGIN C2PA MANIFEST-----';
const END = '-----END C2PA MANIFEST-----';
const DATA_PREFIX = 'data:application/c2pa;base64,';

export function a9BlockLength(storeLength: number): number {
  return BEGIN.length + 1 + DATA_PREFIX.length + 4 * Math.ceil(storeLength / 3) + 1 + END.length;
}

export function buildA9Block(store: Buffer): string {
  return `${BEGIN} ${DATA_PREFIX}${store.toString('base64')} ${END}`;
}

export interface FoundBlock {
  /** UTF-16 indexes of the block (BEGIN to END). */
  start: number;
  end: number;
  store?: Buffer;
  /** A manifest by reference: never fetched here. */
  url?: string;
  problem?: string;
}

export function findA9Blocks(text: string): FoundBlock[] {
  const found: FoundBlock[] = [];
  let begin = text.indexOf(BEGIN);
  while (begin !== -1) {
    const m = blockAt(text, begin);
    if (!m) {
      begin = text.indexOf(BEGIN, begin + 1);
      continue;
    }
    const at = { start: begin, end: m.end };
    if (m.ref.startsWith(DATA_PREFIX)) {
      const b64 = m.ref.slice(DATA_PREFIX.length);
      found.push(
        /^[A-Za-z0-9+/]+={0,2}$/.test(b64) ? { ...at, store: Buffer.from(b64, 'base64') } : { ...at, problem: 'the C2PA manifest block holds invalid base64' },
      );
    } else if (/^https?:\/\//i.test(m.ref)) {
      found.push({ ...at, url: m.ref });
    } else {
      found.push({ ...at, problem: 'the C2PA manifest block holds neither a data: URI nor a URL' });
    }
    begin = text.indexOf(BEGIN, m.end);
  }
  return found;
}

const isSpace = (c: string | undefined) => c !== undefined && /\s/.test(c);

/**
 * /BEGIN\s*(\S*)\s*END/ at `begin`, without backtracking: the reference is the run of
 * non-space characters after BEGIN, or that run minus "-----END" when END is glued to it
 * (END holds spaces, so it cannot start anywhere else in the run). Each run is read once.
 */
function blockAt(text: string, begin: number): { ref: string; end: number } | undefined {
  let i = begin + BEGIN.length;
  while (isSpace(text[i])) i++;
  let r = i;
  while (r < text.length && !isSpace(text[r])) r++;
  let e = r;
  while (isSpace(text[e])) e++;
  if (text.startsWith(END, e)) return { ref: text.slice(i, r), end: e + END.length };
  const glued = r - END.indexOf(' ');
  if (glued >= i && text.startsWith(END, glued)) return { ref: text.slice(i, glued), end: glued + END.length };
  return undefined;
}

export interface FrontMatter {
  /** Fence lines and the YAML between them; `lines` without line ends. */
  open: string;
  lines: string[];
  close: string;
  /** Everything after the closing fence's line end. */
  body: string;
  nl: string;
}

/** YAML front matter at the very start (`---` … `---` or `...`), or undefined. */
export function splitFrontMatter(text: string): FrontMatter | undefined {
  const m = /^(---)[ \t]*(\r?\n)(?:([\s\S]*?)\r?\n)?((?:---|\.\.\.)[ \t]*)(\r?\n|$)/.exec(text);
  if (!m) return undefined;
  const nl = m[2];
  const yaml = m[3];
  return { open: m[1], lines: yaml === undefined ? [] : yaml.split(/\r?\n/), close: m[4], body: text.slice(m[0].length), nl };
}

const OUR_FIELDS = /^(?:ai_generated|digital_source_type)\s*:|^#\s*-----BEGIN C2PA MANIFEST-----/;

/** Front-matter lines without the fields and block a previous label wrote. */
export function withoutOurFields(lines: string[]): string[] {
  return lines.filter((l) => !OUR_FIELDS.test(l));
}

/** What the front matter says about AI, for verification signals. */
export function frontMatterClaims(text: string): { aiGenerated?: boolean; digitalSourceType?: string } {
  const fm = splitFrontMatter(text);
  if (!fm) return {};
  const out: { aiGenerated?: boolean; digitalSourceType?: string } = {};
  for (const l of fm.lines) {
    const ai = /^ai_generated\s*:\s*["']?(true|false|yes|no)["']?\s*$/i.exec(l);
    if (ai) out.aiGenerated = /^(true|yes)$/i.test(ai[1]);
    const dst = /^digital_source_type\s*:\s*["']?([^"'\s]+)["']?\s*$/.exec(l);
    if (dst) out.digitalSourceType = dst[1];
  }
  return out;
}
