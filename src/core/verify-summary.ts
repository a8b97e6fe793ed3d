/**
 * The plain-words summary of a report, in Kazakh, Russian and English: what the file is,
 * whether its provenance holds, and whether it already meets the two-layer rule.
 */
import type { Lang } from '../domain/vocabulary.js';
import type { C2paSummary, OcrInfo, Signal, VerifyReport } from '../domain/report.js';
import type { Verdict } from './verdict.js';
import { untrustedWarningNote } from '../domain/warning-trust.js';

type Words = Record<Lang, string>;

/** `ocr`: how an image's pixels were read; when they were not, the summary says why the visible layer is unknown. */
export function summarise(c2pa: C2paSummary, signals: Signal[], v: Verdict, ocr?: OcrInfo): VerifyReport['summary'] {
  const evidence = evidenceOf(signals);
  const who = c2pa.signer?.organisation ?? c2pa.signer?.commonName ?? '?';
  const failures = c2pa.codes.filter((c) => c !== 'signingCredential.untrusted').join(', ');
  const note = untrustedWarningNote(c2pa);
  const unread = v.compliance.visibleWarning === null && ocr && !ocr.read && ocr.reason ? PIXELS_UNREAD[ocr.reason] : undefined;
  const reviewed = reviewSentence(c2pa);
  const parts: Words[] = [
    aiSentence(v.aiGenerated, evidence),
    provenanceSentence(c2pa, who, failures),
    complianceSentence(v, signals),
    ...(note ? [note] : []),
    ...(unread ? [unread] : []),
    ...(reviewed ? [reviewed] : []),
  ];
  return {
    kk: parts.map((p) => p.kk).join(' '),
    ru: parts.map((p) => p.ru).join(' '),
    en: parts.map((p) => p.en).join(' '),
  };
}

function aiSentence(ai: boolean | null, evidence: string): Words {
  if (ai === true) {
    return {
      kk: `Файлды жасанды интеллект (ЖИ) жасаған деген белгілер бар: ${evidence}.`,
      ru: `Файл помечен или распознан как созданный искусственным интеллектом (ИИ): ${evidence}.`,
      en: `This file is marked or traced as AI-generated: ${evidence}.`,
    };
  }
  if (ai === false) {
    return {
      kk: 'Жарамды қолтаңбалы манифест файлды камера түсіргенін немесе адам жасағанын көрсетеді.',
      ru: 'Действительный подписанный манифест указывает, что файл снят камерой или создан человеком.',
      en: 'A valid signed manifest says this file was captured by a camera or made by a person.',
    };
  }
  return {
    kk: 'ЖИ жасағаны туралы белгі табылмады; бұл файлды ЖИ жасамағанын дәлелдемейді.',
    ru: 'Признаков создания ИИ не найдено; это не доказывает, что файл создан не ИИ.',
    en: 'No trace of AI generation was found; this does not prove the file was not made by AI.',
  };
}

function provenanceSentence(c: C2paSummary, who: string, failures: string): Words {
  if (c.codes.includes('text.multipleManifests')) {
    return {
      kk: 'Мәтінде бірнеше C2PA манифесі бар; олардың ешқайсысына сенуге болмайды.',
      ru: 'В тексте несколько манифестов C2PA; ни одному из них нельзя доверять.',
      en: 'It carries several C2PA manifests; none of them can be relied on.',
    };
  }
  switch (c.state) {
    case 'absent':
      return {
        kk: 'C2PA мәліметтері (Content Credentials) жоқ.',
        ru: 'Учётных данных C2PA (Content Credentials) нет.',
        en: 'It carries no C2PA Content Credentials.',
      };
    case 'trusted':
      return {
        kk: `C2PA мәліметтері бүтін, сенімді қол қоюшы қол қойған (${who}).`,
        ru: `Учётные данные C2PA целы и подписаны доверенным подписантом (${who}).`,
        en: `Its C2PA Content Credentials are intact and signed by a trusted signer (${who}).`,
      };
    case 'valid':
      return {
        kk: `C2PA мәліметтері бүтін, бірақ қол қоюшы (${who}) сенімді тізімде жоқ.`,
        ru: `Учётные данные C2PA целы, но подписант (${who}) не входит в список доверенных.`,
        en: `Its C2PA Content Credentials are intact, but the signer (${who}) is not on the trust list.`,
      };
    case 'invalid':
      return {
        kk: `C2PA мәліметтері бұзылған: файл қол қойылғаннан кейін өзгертілген немесе қолтаңба дұрыс емес (${failures}). Оларға сенуге болмайды.`,
        ru: `Учётные данные C2PA нарушены: файл изменён после подписи или подпись неверна (${failures}). Полагаться на них нельзя.`,
        en: `Its C2PA Content Credentials are broken: the file was changed after signing or the signature is wrong (${failures}). Do not rely on them.`,
      };
    case 'unreadable':
      return {
        kk: 'C2PA мәліметтері бар, бірақ оларды оқу мүмкін емес.',
        ru: 'Учётные данные C2PA есть, но прочитать их невозможно.',
        en: 'It carries C2PA Content Credentials that cannot be read.',
      };
    case 'remote':
      return {
        kk: `Файл ${c.remoteUrl} мекенжайындағы C2PA мәліметтеріне сілтейді; олар жүктелмеді.`,
        ru: `Файл ссылается на учётные данные C2PA по адресу ${c.remoteUrl}; они не загружались.`,
        en: `It refers to C2PA Content Credentials at ${c.remoteUrl}; they were not fetched.`,
      };
  }
}

const LAYER: Record<'mrFound' | 'mrMissing' | 'vwFound' | 'vwMissing' | 'vwUnknown' | 'broken', Words> = {
  mrFound: { kk: 'машинамен оқылатын ЖИ белгісі бар', ru: 'машиночитаемая метка ИИ есть', en: 'a machine-readable AI label is present' },
  mrMissing: { kk: 'машинамен оқылатын ЖИ белгісі жоқ', ru: 'нет машиночитаемой метки ИИ', en: 'there is no machine-readable AI label' },
  vwFound: { kk: 'көрінетін ескерту бар', ru: 'видимое предупреждение есть', en: 'a visible warning is present' },
  vwMissing: { kk: 'көрінетін ескерту жоқ', ru: 'нет видимого предупреждения', en: 'there is no visible warning' },
  vwUnknown: { kk: 'тексерілетін көрінетін ескерту жоқ', ru: 'нет проверяемого видимого предупреждения', en: 'there is no verifiable visible warning' },
  broken: { kk: 'манифест бұзылған', ru: 'манифест нарушен', en: 'the manifest is broken' },
};

/** Where a warning read in the pixels sits (visible-text.ts placeOf). */
const PLACE: Record<string, Words> = {
  'top-left': { kk: 'жоғарғы сол жақта', ru: 'вверху слева', en: 'top left' },
  'top-right': { kk: 'жоғарғы оң жақта', ru: 'вверху справа', en: 'top right' },
  'bottom-left': { kk: 'төменгі сол жақта', ru: 'внизу слева', en: 'bottom left' },
  'bottom-right': { kk: 'төменгі оң жақта', ru: 'внизу справа', en: 'bottom right' },
  'middle-left': { kk: 'ортада сол жақта', ru: 'слева посередине', en: 'middle left' },
  'middle-right': { kk: 'ортада оң жақта', ru: 'справа посередине', en: 'middle right' },
  top: { kk: 'жоғарыда', ru: 'вверху', en: 'at the top' },
  bottom: { kk: 'төменде', ru: 'внизу', en: 'at the bottom' },
  middle: { kk: 'ортасында', ru: 'посередине', en: 'in the middle' },
  centre: { kk: 'ортасында', ru: 'в центре', en: 'in the centre' },
};

/** Why an image's visible layer is unknown: its pixels were not read. */
const PIXELS_UNREAD: Record<NonNullable<OcrInfo['reason']>, Words> = {
  unavailable: {
    kk: 'Пикселдер оқылмады: мұнда OCR (kaz, rus, eng, chi_sim тілдері бар Tesseract) орнатылмаған.',
    ru: 'Пиксели не прочитаны: OCR (Tesseract с языками kaz, rus, eng, chi_sim) здесь не установлен.',
    en: 'The pixels were not read: OCR (Tesseract with kaz, rus, eng and chi_sim) is not installed here.',
  },
  'not-needed': { kk: 'Пикселдер оқылмады.', ru: 'Пиксели не прочитаны.', en: 'The pixels were not read.' },
  'not-asked': {
    kk: 'Пикселдер оқылмады (бұл тексеруде OCR өшірілген).',
    ru: 'Пиксели не прочитаны (OCR отключён для этой проверки).',
    en: 'The pixels were not read (OCR was turned off for this check).',
  },
  'too-small': {
    kk: 'Сурет мәтінін оқу үшін тым кішкентай.',
    ru: 'Изображение слишком мало, чтобы прочитать текст на нём.',
    en: 'The picture is too small to read text on it.',
  },
  timeout: { kk: 'Пикселдерді оқу уақытында аяқталмады.', ru: 'Чтение пикселей не завершилось вовремя.', en: 'Reading the pixels did not finish in time.' },
  'too-much-text': {
    kk: 'Суретте толық оқу үшін тым көп мәтін бар.',
    ru: 'На изображении слишком много текста, чтобы прочитать его целиком.',
    en: 'The picture holds too much text to read in full.',
  },
  'not-an-image': {
    kk: 'Бұл форматтағы файлдың пикселдері оқылмайды.',
    ru: 'Пиксели файлов этого формата не читаются.',
    en: 'The pixels of this format are not read.',
  },
  failed: { kk: 'Пикселдерді оқу мүмкін болмады.', ru: 'Пиксели прочитать не удалось.', en: 'The pixels could not be read.' },
};

/** «Создано ИИ», bottom left: what the pixels say and where, when OCR found the warning. */
function foundInPixels(signals: Signal[]): Words | undefined {
  const s = signals.find((x) => x.source === 'visible-text' && x.visible === true && typeof x.words === 'string');
  if (!s) return undefined;
  const place = PLACE[String(s.place)];
  const at = (l: Lang) => ` («${s.words}»${place ? `, ${place[l]}` : ''})`;
  return { kk: LAYER.vwFound.kk + at('kk'), ru: LAYER.vwFound.ru + at('ru'), en: LAYER.vwFound.en + at('en') };
}

/** Which of the two layers is there and which is missing, and what to do about it. */
function complianceSentence(v: Verdict, signals: Signal[]): Words {
  const { machineReadable, visibleWarning, compliant } = v.compliance;
  if (compliant) {
    return {
      kk: 'ЖИ туралы заңның 21-бабы 2-тармағының талабы орындалған: машинамен оқылатын белгі де, көрінетін ескерту де бар.',
      ru: 'Требование ст. 21(2) закона об ИИ выполнено: есть и машиночитаемая метка, и видимое предупреждение.',
      en: 'It meets Art. 21(2) of the AI law: it carries both a machine-readable label and a visible warning.',
    };
  }
  if (v.aiGenerated === false) {
    return {
      kk: 'ЖИ таңбалау талабы бұл файлға қолданылмайды.',
      ru: 'Требование о маркировке ИИ к этому файлу не применяется.',
      en: 'The AI-labelling rule does not apply to this file.',
    };
  }
  const found: Words[] = [];
  const missing: Words[] = [];
  (machineReadable ? found : missing).push(machineReadable ? LAYER.mrFound : LAYER.mrMissing);
  if (visibleWarning === true) found.push(foundInPixels(signals) ?? LAYER.vwFound);
  else missing.push(visibleWarning === false ? LAYER.vwMissing : LAYER.vwUnknown);
  if (v.tampered) missing.push(LAYER.broken);
  const but: Words = { kk: ', бірақ ', ru: ', но ', en: ', but ' };
  const layers = (l: Lang) => `${found.map((w) => w[l]).join('; ')}${found.length ? but[l] : ''}${missing.map((w) => w[l]).join('; ')}`;
  const advice: Words = v.tampered
    ? {
        kk: 'Бұл көшірмеге сенбеңіз; түпнұсқаны көзінен алыңыз.',
        ru: 'Не доверяйте этой копии; получите оригинал из источника.',
        en: 'Do not trust this copy; get the original from its source.',
      }
    : v.aiGenerated === true
      ? { kk: 'Жарияламас бұрын файлды таңбалаңыз.', ru: 'Промаркируйте файл перед публикацией.', en: 'Label it before publishing.' }
      : {
          kk: 'Егер оны ЖИ жасаса, жарияламас бұрын таңбалаңыз.',
          ru: 'Если он создан ИИ, промаркируйте его перед публикацией.',
          en: 'If it was made with AI, label it before publishing.',
        };
  return {
    kk: `21-баптың 2-тармағының талабы орындалмаған: ${layers('kk')}. ${advice.kk}`,
    ru: `Требование ст. 21(2) не выполнено: ${layers('ru')}. ${advice.ru}`,
    en: `It does not meet Art. 21(2): ${layers('en')}. ${advice.en}`,
  };
}

const SOURCE_NAMES: Record<string, string> = {
  c2pa: 'C2PA',
  'c2pa-ingredient': 'C2PA (ingredient)',
  'c2pa-generator': 'C2PA',
  'c2pa-visible-warning': 'C2PA',
  'xmp-iptc': 'IPTC DigitalSourceType',
  'xmp-iptc-ai': 'IPTC AI fields',
  tc260: 'GB 45438 TC260:AIGC',
  'exif-software': 'EXIF/XMP software',
  'png-text': 'PNG text',
  registry: 'provenance record',
  watermark: 'invisible watermark',
  'c2pa-text': 'C2PA',
  'text-notice': 'visible notice',
  'front-matter': 'front matter ai_generated',
  'html-meta': 'HTML meta ai-generated',
  'visible-text': 'visible warning in the picture',
};

function evidenceOf(signals: Signal[]): string {
  const names = signals
    .filter((s) => s.ai === true || s.source === 'registry')
    .map((s) => {
      const name = SOURCE_NAMES[s.source] ?? s.source;
      // The record a stripped copy came from; the generator a manifest names.
      const which = typeof s.recordId === 'string' ? s.recordId : typeof s.generator === 'string' ? s.generator : undefined;
      return which ? `${name} (${which})` : name;
    });
  return [...new Set(names)].join(', ');
}

/** An editor's approval signed into the manifest: said only when its signer is believed (our own, or trusted). */
function reviewSentence(c: C2paSummary): Words | undefined {
  const r = c.review;
  if (r?.decision !== 'approved') return undefined;
  if (!(r.signer === 'own' || r.signer === 'trusted') || !(c.state === 'valid' || c.state === 'trusted')) {
    return {
      kk: 'Редакция тексергені туралы мәлімдеме біз сенбейтін қол қоюшыдан келген, сондықтан оған сүйенуге болмайды.',
      ru: 'Заявление о проверке редакцией исходит от подписанта, которому мы не доверяем, поэтому полагаться на него нельзя.',
      en: 'The claim of an editorial review comes from a signer we do not trust, so it is not relied on.',
    };
  }
  const day = r.at.slice(0, 10);
  const by = ` (${r.reviewerName ?? r.reviewer})`;
  return {
    kk: `Редакция ${day} күні тексеріп, жариялауға мақұлдаған${by}.`,
    ru: `Проверено редакцией ${day} и одобрено к публикации${by}.`,
    en: `Reviewed by the editors on ${day} and approved for publication${by}.`,
  };
}
