/**
 * What an editor reads when a picture cannot be decoded: sharp's messages reduced to a reason,
 * the same for one file and for a batch (where libvips' warning text can be lost to the
 * other decode and only "Warning treated as error" is left).
 */
import { expect, it } from 'vitest';
import { shortReason } from '../src/media/sharp.js';

it.each([
  'VipsJpeg: Premature end of input file',
  'Warning treated as error due to failOn setting',
  'Input buffer has corrupt header: VipsJpeg: Premature end of JPEG file',
  'pngload_buffer: libspng read error',
])('"%s" reads as a truncated or damaged file', (message) => {
  expect(shortReason(new Error(message))).toBe('the file is truncated or damaged');
});

it('keeps other reasons, without the library prefix', () => {
  expect(shortReason(new Error('Input file has an unsupported image format'))).toBe('unrecognised image data');
  expect(shortReason(new Error('VipsJpeg: something else'))).toBe('something else');
});
