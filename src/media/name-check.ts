/**
 * A file's name against its content. The bytes decide what a file is; but when its name says
 * an image and the bytes are text (or the other way round), something is wrong (a mislabelled
 * upload, a renamed script) and labelling it would put text into `out.jpg`: refused, naming
 * both. An image named as another image format (a PNG saved as .jpg, common) is accepted with
 * a warning: the output keeps the content's real format.
 */
import { LabellerError } from '../domain/errors.js';
import type { Sniffed } from './sniff.js';

const IMAGE_NAMES: Record<string, string> = {
  jpg: 'JPEG',
  jpeg: 'JPEG',
  jpe: 'JPEG',
  jfif: 'JPEG',
  png: 'PNG',
  webp: 'WebP',
  avif: 'AVIF',
  tif: 'TIFF',
  tiff: 'TIFF',
  gif: 'GIF',
  svg: 'SVG',
  heic: 'HEIC',
  heif: 'HEIF',
  bmp: 'BMP',
};

const TEXT_NAMES: Record<string, string> = {
  txt: 'plain text',
  text: 'plain text',
  md: 'Markdown text',
  markdown: 'Markdown text',
  html: 'HTML text',
  htm: 'HTML text',
  xhtml: 'HTML text',
};

const CONTENT_NAMES: Record<string, string> = { jpeg: 'JPEG', png: 'PNG', webp: 'WebP', avif: 'AVIF', tiff: 'TIFF' };

/**
 * Throws `unsupported_type` when the name says image and the content is text, or the reverse.
 * Returns a warning when both are images of different formats; nothing when they agree or the
 * name says nothing we know. `role` names which name it is ("name", "output name").
 */
export function checkName(name: string | undefined, content: Sniffed, role = 'name'): string | undefined {
  const ext = extensionOf(name);
  if (!ext) return undefined;
  const saysImage = IMAGE_NAMES[ext];
  const saysText = TEXT_NAMES[ext];
  if (!saysImage && !saysText) return undefined;
  const claim = saysImage ? `${saysImage} image (.${ext})` : `${saysText} (.${ext})`;
  if (content.kind === 'text') {
    if (saysImage) throw mismatch(role, claim, 'text');
    return undefined;
  }
  const is = content.kind === 'image' ? `a ${CONTENT_NAMES[content.format]} image` : `${content.mimeType} data`;
  if (saysText) throw mismatch(role, claim, is);
  if (content.kind === 'image' && IMAGE_NAMES[ext] !== CONTENT_NAMES[content.format]) {
    return `the ${role} says ${claim} but the content is ${is}; it was treated as ${CONTENT_NAMES[content.format]}`;
  }
  return undefined;
}

function mismatch(role: string, claim: string, is: string): LabellerError {
  return new LabellerError('unsupported_type', `the ${role} says ${claim} but the content is ${is}; rename the file to what it is, or send the right file`);
}

/** The last extension of the last path segment, lower case ("photo.JPG" → "jpg"). */
function extensionOf(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return dot < 0 || dot === base.length - 1 ? undefined : base.slice(dot + 1).toLowerCase();
}
