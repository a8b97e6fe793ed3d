/**
 * Plain text, Markdown or HTML, decided from the content; the doors pass the file extension
 * as a hint, which wins. Each format carries its manifest and notice differently.
 */
import type { TextFormat } from '../media/sniff.js';

export const TEXT_MIME: Record<TextFormat, string> = { txt: 'text/plain', md: 'text/markdown', html: 'text/html' };

export function detectTextFormat(text: string, hint?: TextFormat): TextFormat {
  if (hint) return hint;
  const head = text.slice(0, 65536).replace(/^\uFEFF/, '');
  if (/^\s*(?:<!--[\s\S]*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>])/i.test(head)) return 'html';
  if (/^---\r?\n[\s\S]*?\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.test(head)) return 'md';
  const tags = head.match(/<(p|div|span|article|section|h[1-6]|ul|ol|li|a|table|em|strong|b|i|blockquote|figure|body|br|img)\b[^>]*>/gi)?.length ?? 0;
  const closers = head.match(/<\/(p|div|span|article|section|h[1-6]|ul|ol|li|a|table|em|strong|b|i|blockquote|figure|body)>/gi)?.length ?? 0;
  if (tags >= 2 && closers >= 1) return 'html';
  const mdSigns = [
    /^#{1,6} \S/m, // heading
    /\[[^\]\n]+\]\([^)\s]+\)/, // link
    /(\*\*|__)[^\s*_][^\n]*?\1/, // bold
    /^```/m, // fence
    /^\s{0,3}[-*+] \S[^\n]*\n\s{0,3}[-*+] \S/m, // list of two items
    /^> \S/m, // quote
  ].filter((re) => re.test(head)).length;
  return mdSigns >= 2 ? 'md' : 'txt';
}
