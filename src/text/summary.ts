/** The verdict in one sentence per language, for editors. */
import type { C2paState } from '../core/report.js';

export interface Verdict {
  state: C2paState;
  tampered: boolean;
  machineReadable: boolean;
  visibleWarning: boolean;
  aiGenerated: boolean | null;
  several: boolean;
}

type Sentences = { kk: string; ru: string; en: string };

export function summarise(v: Verdict): Sentences {
  if (v.several) {
    return {
      kk: 'Мәтінде бірнеше C2PA манифесі бар; олардың ешқайсысына сенуге болмайды.',
      ru: 'В тексте несколько манифестов C2PA; ни одному из них нельзя доверять.',
      en: 'The text carries several C2PA manifests; none of them can be relied on.',
    };
  }
  if (v.tampered) {
    return {
      kk: 'Мәтін белгіленгеннен кейін өзгертілген: C2PA белгісі енді сәйкес келмейді.',
      ru: 'Текст изменён после маркировки: метка C2PA больше не совпадает с ним.',
      en: 'The text was changed after it was labelled: its C2PA label no longer matches.',
    };
  }
  if (v.machineReadable && v.visibleWarning) {
    const trusted = v.state === 'trusted';
    return {
      kk: `ЖИ жасаған мәтін: қол қойылған C2PA белгісі${trusted ? ' (сенімді)' : ''} және көрінетін ескерту бар — екі талап та орындалған.`,
      ru: `Текст создан ИИ: есть подписанная метка C2PA${trusted ? ' (доверенная)' : ''} и видимое предупреждение — оба требования выполнены.`,
      en: `AI-generated text: a signed C2PA label${trusted ? ' (trusted)' : ''} and a visible warning are present — both layers are in place.`,
    };
  }
  if (v.machineReadable) {
    return {
      kk: 'ЖИ жасаған мәтін: C2PA белгісі жарамды, бірақ көрінетін ескерту жоқ.',
      ru: 'Текст создан ИИ: метка C2PA действительна, но видимого предупреждения нет.',
      en: 'AI-generated text: the C2PA label is valid, but the visible warning is missing.',
    };
  }
  if (v.state === 'invalid' || v.state === 'unreadable') {
    return {
      kk: 'Мәтіндегі C2PA белгісі жарамсыз немесе оқылмайды.',
      ru: 'Метка C2PA в тексте недействительна или не читается.',
      en: 'The C2PA label in this text is invalid or unreadable.',
    };
  }
  if (v.state === 'remote') {
    return {
      kk: 'Мәтін қашықтағы C2PA манифесіне сілтейді; ол жүктелмеді.',
      ru: 'Текст ссылается на удалённый манифест C2PA; он не загружался.',
      en: 'The text refers to a remote C2PA manifest, which was not fetched.',
    };
  }
  if (v.visibleWarning || v.aiGenerated) {
    return {
      kk: 'Машинада оқылатын белгі жоқ; тек ЖИ туралы көрінетін ескерту немесе қарапайым белгі табылды.',
      ru: 'Машиночитаемой метки нет; найдено только видимое предупреждение об ИИ или простая пометка.',
      en: 'No machine-readable label; only a visible AI warning or a plain marker was found.',
    };
  }
  return {
    kk: 'Бұл мәтінде ЖИ белгісі табылмады.',
    ru: 'В этом тексте метка ИИ не найдена.',
    en: 'No AI label was found in this text.',
  };
}
