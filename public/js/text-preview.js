// A text file shown as text: decoded as the labeller decodes it (UTF-8, UTF-16 with a BOM,
// else Windows-1251), its embedded C2PA manifest folded to one short marker, and only the
// part where the notice goes (the start or the end) when the text is long.
import { el, tr } from './common.js';

const HEAD = 64 * 1024;
const SHOWN = 900;

function decode(bytes) {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1251').decode(bytes);
  }
}

// Variation selectors (and the zero-width no-break space) carry the A.8 wrapper's bytes; a run of 16 or more is a manifest.
const HIDDEN_RUN = /(?:\uFEFF|[\uFE00-\uFE0F]|[\u{E0100}-\u{E01EF}]){16,}/gu;

/** The C2PA payloads (base64 runs, invisible variation-selector runs of the A.8 wrapper) as one marker each. */
export function foldManifest(text) {
  return text.replace(/[A-Za-z0-9+/]{120,}={0,2}/g, () => `[${tr('text.manifest')}]`).replace(HIDDEN_RUN, () => `[${tr('text.manifestHidden')}]`);
}

/** The start and the end of a blob as text (a 50 MB text is never read whole). */
export async function readText(blob) {
  if (blob.size <= 2 * HEAD) return decode(new Uint8Array(await blob.arrayBuffer()));
  const head = decode(new Uint8Array(await blob.slice(0, HEAD).arrayBuffer()));
  const tail = decode(new Uint8Array(await blob.slice(blob.size - HEAD).arrayBuffer()));
  return `${head}\n…\n${tail}`;
}

/** A <pre> with the part of the text that matters; the wording of the notice is marked. */
export function textBlock(text, where, wording = []) {
  const folded = foldManifest(text);
  let shown = folded;
  if (folded.length > SHOWN * 2) shown = where === 'end' ? `…\n${folded.slice(-SHOWN * 2)}` : `${folded.slice(0, SHOWN * 2)}\n…`;
  const pre = el('pre', { class: 'text-preview', tabindex: '0' });
  const marks = wording.filter((w) => typeof w === 'string' && w.length > 1);
  let i = 0;
  while (i < shown.length) {
    let best = -1;
    let len = 0;
    for (const w of marks) {
      const at = shown.indexOf(w, i);
      if (at >= 0 && (best < 0 || at < best)) [best, len] = [at, w.length];
    }
    if (best < 0) break;
    pre.append(shown.slice(i, best), el('mark', { text: shown.slice(best, best + len) }));
    i = best + len;
  }
  pre.append(shown.slice(i));
  return pre;
}
