/**
 * The ISCC Image-Code of a picture: upright, flattened on white, grey (sharp.ts does these in
 * one pipeline), uniform borders trimmed, 32×32 bicubic, then the DCT of domain/iscc. The
 * labeller passes the grey pixels of its own labelled thumbnail, so a labelled output gets its
 * code without being decoded again; a copy to look up is decoded small once.
 */
import { contentBox, IMAGE_SIDE, imageCode } from '../domain/iscc/index.js';
import { greyGrid, greyMaster, type GreyImage } from './sharp.js';

/** Image-Code of an upright grey picture flattened on white (at most a few hundred pixels a side is plenty). */
export async function imageIsccOfGrey(grey: GreyImage): Promise<string> {
  return imageCode(await greyGrid(grey, contentBox(grey), IMAGE_SIDE));
}

/** Image-Code of encoded image bytes (tolerant decoding, shrink-on-load), with the grey master it came from. */
export async function imageIsccOf(bytes: Buffer, maxPixels: number): Promise<{ iscc: string; grey: GreyImage }> {
  const grey = await greyMaster(bytes, maxPixels, 512);
  return { iscc: await imageIsccOfGrey(grey), grey };
}
