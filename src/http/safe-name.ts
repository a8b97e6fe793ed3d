/**
 * File names a caller sends end up in download names, titles and messages. Invisible and
 * direction-changing characters would let `photo\u202Egpj.exe` show as `photoexe.jpg`, so they
 * go, with control characters, path separators, characters Windows forbids and leading dots.
 * Letters of every script (Kazakh, Russian...) stay.
 */

// Cc controls (C0, DEL, C1), Cf format characters (bidi embeddings/overrides/isolates/marks, zero
// widths, BOM, soft hyphen, U+061C...), line/paragraph separators, lone surrogates, private use,
// and the blank Hangul fillers that render as nothing.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\u115F\u1160\u3164\uFFA0]/gu;
const FORBIDDEN = /["<>|*?:\\/]/g;

/** The name with the characters above removed, spaces collapsed, no leading dots; may be empty. */
export function cleanName(name: string, maxChars = 200): string {
  let n = name.normalize('NFC').replace(INVISIBLE, '').replace(FORBIDDEN, '').replace(/\s+/gu, ' ').trim();
  n = n.replace(/^[.\s]+/u, '');
  // Cut by code points, so a surrogate pair is never split in two.
  const chars = Array.from(n);
  if (chars.length > maxChars) n = chars.slice(0, maxChars).join('');
  // Trailing dots and spaces vanish on Windows: drop them here (a loop, not a backtracking regex).
  let end = n.length;
  while (end > 0 && (n[end - 1] === '.' || n[end - 1] === ' ')) end--;
  return n.slice(0, end);
}

/** The last path segment of a caller's file name, cleaned; 'file' when nothing is left. */
export function safeBaseName(name: string | undefined): string {
  let n = String(name ?? '');
  // Clients that send raw UTF-8 bytes in a latin1-decoded header: decode them back.
  if (/[\u0080-\u00ff]/.test(n) && !/[^\u0000-\u00ff]/.test(n)) {
    const utf8 = Buffer.from(n, 'latin1').toString('utf8');
    if (!utf8.includes('\uFFFD')) n = utf8;
  }
  const last = n.split(/[\\/]/).pop() ?? '';
  return cleanName(last) || 'file';
}

/** A field name or value for an error message: cleaned, short, quoted. */
export function quoteForMessage(s: string, maxChars = 40): string {
  return JSON.stringify(cleanName(s, maxChars) || '(empty)');
}
