/**
 * `Content-Disposition: attachment` for the labelled file: the original base name with the
 * extension the output really has, an ASCII fallback, and RFC 5987 `filename*` for the rest.
 */
export function downloadName(original: string, ext: string): string {
  const base = original.replace(/\.[A-Za-z0-9]{1,5}$/, '') || 'file';
  return `${base}.${ext}`;
}

export function contentDisposition(name: string): string {
  const ascii = name.normalize('NFKD').replace(/[^\x20-\x7e]/g, '_').replace(/["\\%;]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return ascii === name ? `attachment; filename="${ascii}"` : `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
