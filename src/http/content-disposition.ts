/**
 * `Content-Disposition: attachment` for the labelled file: the original base name with the
 * extension the output really has, an ASCII fallback, and RFC 5987 `filename*` for the rest.
 * Names are cleaned again here (bidi controls, invisibles, separators), whatever the caller.
 */
import { cleanName } from './safe-name.js';

export function downloadName(original: string, ext: string): string {
  const cleanExt = /^[A-Za-z0-9]{1,5}$/.test(ext) ? ext.toLowerCase() : 'bin';
  const base = cleanName(original).replace(/\.[A-Za-z0-9]{1,5}$/, '');
  return `${cleanName(base) || 'file'}.${cleanExt}`;
}

export function contentDisposition(name: string): string {
  const clean = cleanName(name) || 'file';
  const ascii = clean
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/["\\%;]/g, '_');
  const encoded = encodeURIComponent(clean).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return ascii === clean ? `attachment; filename="${ascii}"` : `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
