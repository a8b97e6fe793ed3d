/** The things profiles ask for, each named once in kk/ru/en (a verify report's `profiles.*.missing`). */
import type { Requirement } from './types.js';

const r = (item: string, kk: string, ru: string, en: string): Requirement => ({ item, kk, ru, en });

export const NEED = {
  machineLabel: r('machine-readable-label', 'машинамен оқылатын ЖИ белгісі', 'машиночитаемая метка ИИ', 'a machine-readable AI label'),
  visible: r('visible-warning', 'көрінетін ескерту', 'видимое предупреждение', 'a visible warning'),
  visibleUnverified: r(
    'visible-warning-unverified',
    'тексерілетін көрінетін ескерту (пикселдер оқылмады)',
    'проверяемое видимое предупреждение (пиксели не прочитаны)',
    'a verifiable visible warning (the pixels were not read)',
  ),
  intactManifest: r(
    'intact-manifest',
    'бүтін (бұзылмаған) C2PA манифесі',
    'целый (не нарушенный) манифест C2PA',
    'an intact C2PA manifest (this one is broken)',
  ),
  signedAiManifest: r(
    'signed-c2pa-ai',
    'ЖИ дереккөз түрін көрсететін қолтаңбалы бүтін C2PA манифесі',
    'подписанный целый манифест C2PA с типом источника «ИИ»',
    'a signed, intact C2PA manifest declaring an AI source type',
  ),
  iptcSourceType: r('iptc-digital-source-type', 'IPTC DigitalSourceType (ЖИ)', 'IPTC DigitalSourceType (ИИ)', 'IPTC DigitalSourceType saying AI'),
  euDisclosure: r(
    'eu-visible-disclosure',
    'көрінетін ЖИ белгісі (ЕО белгішесі және сөйлем)',
    'видимое раскрытие ИИ (значок ЕС и фраза)',
    'a visible AI disclosure (the EU icon and a sentence)',
  ),
  euTextDisclosure: r(
    'eu-visible-disclosure-or-review',
    'көрінетін ЖИ белгісі немесе редакциялық тексеру (50(4)-бап)',
    'видимое раскрытие ИИ или редакционная проверка (ст. 50(4))',
    'a visible AI disclosure, or an editorial review (Art. 50(4))',
  ),
  euIcon: r(
    'eu-common-icon',
    'ЕО ортақ белгішесі (тәжірибе кодексі): көрінетін ескерту басқа белгімен жасалған',
    'общий значок ЕС (Кодекс практики): видимое предупреждение другого вида',
    'the EU common icon (Code of Practice): the visible warning is of another kind',
  ),
  timestamp: r(
    'trusted-timestamp',
    'қолтаңбаның уақыт белгісі (RFC 3161): TSA_URL баптаңыз',
    'метка времени подписи (RFC 3161): настройте TSA_URL',
    'a time-stamp on the signature (RFC 3161): configure TSA_URL',
  ),
  cnNotice: r('cn-notice', '«人工智能生成» көрінетін ескертуі', 'видимая надпись «人工智能生成»', 'the visible notice «人工智能生成»'),
  cnNoticeUnverified: r(
    'cn-notice-unverified',
    '«人工智能生成» тексерілетін ескертуі (пикселдер оқылмады)',
    'проверяемая надпись «人工智能生成» (пиксели не прочитаны)',
    'a verifiable notice «人工智能生成» (the pixels were not read)',
  ),
  tc260: r('tc260-aigc', 'TC260:AIGC жасырын белгісі', 'неявная метка TC260:AIGC', 'the implicit label TC260:AIGC'),
  tc260Label: r('tc260-label', 'TC260 Label өрісі (1, 2 немесе 3)', 'поле TC260 Label (1, 2 или 3)', 'the TC260 Label field (1, 2 or 3)'),
  tc260Producer: r('tc260-content-producer', 'TC260 ContentProducer өрісі', 'поле TC260 ContentProducer', 'the TC260 ContentProducer field'),
  tc260ProduceId: r('tc260-produce-id', 'TC260 ProduceID өрісі', 'поле TC260 ProduceID', 'the TC260 ProduceID field'),
  latentManifest: r(
    'latent-disclosure',
    'бүтін C2PA манифесіндегі жасырын ақпарат',
    'скрытое раскрытие в целом манифесте C2PA',
    'a latent disclosure in an intact C2PA manifest',
  ),
  latentProvider: r('latent-provider', 'провайдердің атауы', 'название провайдера', "the provider's name"),
  latentSystem: r('latent-system', 'ЖИ жүйесінің атауы', 'название системы ИИ', "the AI system's name"),
  latentVersion: r('latent-system-version', 'ЖИ жүйесінің нұсқасы', 'версия системы ИИ', "the AI system's version"),
  latentTime: r('latent-time', 'жасалған күні мен уақыты', 'дата и время создания', 'the time and date of creation'),
  latentId: r('latent-identifier', 'бірегей идентификатор', 'уникальный идентификатор', 'a unique identifier'),
} as const;

/** Requirements whose condition is false. */
export function unmet(checks: [boolean, Requirement][]): Requirement[] {
  return checks.filter(([ok]) => !ok).map(([, need]) => need);
}
