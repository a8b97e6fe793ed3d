/**
 * The label font ships with the project (npm package dejavu-fonts-ttf): DejaVu Sans covers
 * every Kazakh letter (ә ғ қ ң ө ұ ү һ і), so the label never depends on the host's fonts.
 * Chinese (the cn profile's «人工智能生成») needs a CJK font: Debian's fonts-wqy-zenhei (in the
 * Docker image and installed by .ci/run) or fonts-noto-cjk. Without one the cn profile refuses
 * to label, naming the package, rather than draw empty boxes.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { LabellerError } from '../domain/errors.js';

const require = createRequire(import.meta.url);

export const LABEL_FONT_FILE = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');
export const LABEL_FONT_NAME = 'DejaVu Sans Bold';
/** DejaVu Sans cap height as a share of the em: used to guarantee the 5 % text-height rule. */
export const CAP_HEIGHT_EM = 0.729;

export interface MarkFont {
  file: string;
  name: string;
  /** Height of capitals (or of the shortest ideograph of the notice) as a share of the em. */
  capHeightEm: number;
}

export const LABEL_FONT: MarkFont = { file: LABEL_FONT_FILE, name: LABEL_FONT_NAME, capHeightEm: CAP_HEIGHT_EM };

/**
 * Ideograph heights measured on the rendered notice: 工, the flattest of 人工智能生成, inks
 * 0.785 em in WenQuanYi Zen Hei (the whole notice 0.98 em); 0.78 keeps every glyph at ≥ 5 %.
 */
const CJK_FONTS: MarkFont[] = [
  { file: '/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc', name: 'WenQuanYi Zen Hei', capHeightEm: 0.78 },
  { file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc', name: 'Noto Sans CJK SC Bold', capHeightEm: 0.78 },
  { file: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc', name: 'Noto Sans CJK SC', capHeightEm: 0.78 },
];

/** The first CJK font installed, or undefined. */
export function findCjkFont(candidates: MarkFont[] = CJK_FONTS): MarkFont | undefined {
  return candidates.find((f) => fs.existsSync(f.file));
}

export function cjkFont(candidates: MarkFont[] = CJK_FONTS): MarkFont {
  const font = findCjkFont(candidates);
  if (!font)
    throw new LabellerError(
      'bad_config',
      'the cn profile draws «人工智能生成» and needs a font with Chinese glyphs: install the Debian package fonts-wqy-zenhei (or fonts-noto-cjk)',
    );
  return font;
}
