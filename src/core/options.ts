/** Label options: the contract lives in the domain layer; re-exported for the doors that import it from here. */
export { type LabelOptions, parseLabelOptions, textFormatFromName } from '../domain/label-fields.js';
export { TEXT_PLACEMENTS, type TextPlacement } from '../domain/vocabulary.js';
