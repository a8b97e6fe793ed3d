/** ISCC (ISO 24138) Content-Codes for images and texts, and the code format: pure functions, no I/O. */
export { codeDistance, ContentType, decodeUnit, digestDistance, digestHex64, encodeUnit, MainType, type IsccUnit } from './codec.js';
export { IMAGE_SIDE, imageCode, softHashImage } from './image-code.js';
export { collapseText, textCode, textCodes, type TextCode, type TextCodes } from './text-code.js';
export { BORDER_TOLERANCE, contentBox } from './normalise.js';
export { ISCC_ALG, SOFT_BINDING_ASSERTION, softBindingAssertion, softBindingsOf, type SoftBinding } from './soft-binding.js';
