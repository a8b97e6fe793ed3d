/**
 * The label font ships with the project (npm package dejavu-fonts-ttf): DejaVu Sans covers
 * every Kazakh letter (ә ғ қ ң ө ұ ү һ і), so the label never depends on the host's fonts.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const LABEL_FONT_FILE = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');
export const LABEL_FONT_NAME = 'DejaVu Sans Bold';
/** DejaVu Sans cap height as a share of the em: used to guarantee the 5 % text-height rule. */
export const CAP_HEIGHT_EM = 0.729;
