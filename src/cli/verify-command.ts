/**
 * `labeller verify <files...>`: reads each file, asks the core for a report, prints it
 * (plain words in --report-lang, or JSON) and sets the exit code:
 * 0 reports made and any provenance intact; 1 provenance present but invalid, tampered or
 * unreadable (any file); 2 an input could not be read, or bad usage.
 */
import { type Command, Option } from 'commander';
import type { VerifyReport } from '../domain/report.js';
import { provenanceBroken } from '../core/verdict.js';
import { LANGS, type Lang } from '../domain/vocabulary.js';
import { EXIT, fail, readInput } from './common.js';
import { PROFILE_IDS, PROFILES } from '../domain/profiles/index.js';

interface VerifyFlags {
  json?: boolean;
  trustAnchors?: string;
  reportLang: Lang;
  lang?: Lang;
  ocr: boolean;
}

export function register(program: Command): void {
  program
    .command('verify')
    .description('Verify incoming media: C2PA state, AI traces (IPTC, TC260, PNG text, software names) and Art. 21(2) compliance')
    .argument('<files...>', 'files to verify')
    .option('--json', 'print the report as JSON (one object for one file, an array for several)')
    .option('--trust-anchors <file>', 'PEM bundle of extra trust anchors for this run')
    .option('--no-ocr', 'do not read the pixels of images for the visible warning (it is then known only from a trusted claim)')
    .addOption(new Option('--report-lang <lang>', 'language of the human-readable report').choices(LANGS).default('en'))
    // The earlier spelling, kept working (on `label`, --lang names the warning's languages).
    .addOption(new Option('--lang <lang>').choices(LANGS).hideHelp())
    .action(async (files: string[], flags: VerifyFlags) => {
      process.exitCode = await runVerify(files, flags);
    });
}

async function runVerify(files: string[], flags: VerifyFlags): Promise<number> {
  // The core and its tools load only to verify: `verify --help` answers without them.
  const [{ createContext, readAnchors }, { verify }, { textFormatFromName }] = await Promise.all([
    import('../startup.js'),
    import('../core/verify.js'),
    import('../core/options.js'),
  ]);
  const policy = { trustAnchorsPem: readAnchors(flags.trustAnchors), ocr: flags.ocr };
  // Verification signs nothing: the development-identity warning would only be noise here.
  const ctx = await createContext({ warn: () => {} });
  const reports: VerifyReport[] = [];
  let exit: number = EXIT.ok;
  for (const file of files) {
    try {
      const report = {
        file,
        ...(await verify(readInput(file, ctx.config.maxUploadBytes), { ...policy, textFormat: textFormatFromName(file), fileName: file }, ctx, {
          actor: 'cli',
          door: 'cli',
        })),
      };
      reports.push(report);
      if (provenanceBroken(report)) exit = Math.max(exit, EXIT.invalid);
      if (!flags.json) process.stdout.write(render(report, flags.lang ?? flags.reportLang) + '\n');
    } catch (err) {
      exit = Math.max(exit, fail(err, file));
    }
  }
  if (flags.json && reports.length) process.stdout.write(JSON.stringify(files.length === 1 ? reports[0] : reports, null, 2) + '\n');
  return exit;
}

const WORDS: Record<Lang, Record<string, string>> = {
  en: {
    ai: 'AI-generated',
    yes: 'yes',
    no: 'no',
    unknown: 'unknown',
    prov: 'C2PA',
    signer: 'Signer',
    tampered: 'Tampered',
    law: 'Art. 21(2)',
    ok: 'compliant',
    notOk: 'not compliant',
    mr: 'machine-readable label',
    vw: 'visible warning',
    signals: 'Signals',
    none: 'none',
    record: 'Record',
    missing: 'missing',
    privacy: 'Personal data in the file (publish a clean copy: labeller clean)',
  },
  ru: {
    ai: 'Создано ИИ',
    yes: 'да',
    no: 'нет',
    unknown: 'неизвестно',
    prov: 'C2PA',
    signer: 'Подписант',
    tampered: 'Изменён после подписи',
    law: 'Ст. 21(2)',
    ok: 'выполнено',
    notOk: 'не выполнено',
    mr: 'машиночитаемая метка',
    vw: 'видимое предупреждение',
    signals: 'Признаки',
    none: 'нет',
    record: 'Запись',
    missing: 'не хватает',
    privacy: 'Персональные данные в файле (публикуйте чистую копию: labeller clean)',
  },
  kk: {
    ai: 'ЖИ жасаған',
    yes: 'иә',
    no: 'жоқ',
    unknown: 'белгісіз',
    prov: 'C2PA',
    signer: 'Қол қоюшы',
    tampered: 'Қолтаңбадан кейін өзгертілген',
    law: '21-бап 2-тармақ',
    ok: 'орындалған',
    notOk: 'орындалмаған',
    mr: 'машинамен оқылатын белгі',
    vw: 'көрінетін ескерту',
    signals: 'Белгілер',
    none: 'жоқ',
    record: 'Жазба',
    missing: 'жетіспейді',
    privacy: 'Файлдағы дербес деректер (таза көшірмесін жариялаңыз: labeller clean)',
  },
};

function render(r: VerifyReport, lang: Lang): string {
  const w = WORDS[lang];
  const tri = (v: boolean | null) => (v === true ? w.yes : v === false ? w.no : w.unknown);
  const signer = r.c2pa.signer && (r.c2pa.signer.organisation || r.c2pa.signer.commonName);
  const lines = [
    `${r.file}  (${r.format}, ${r.bytes} B, sha256 ${r.sha256.slice(0, 16)}…)`,
    `  ${w.ai}: ${tri(r.aiGenerated)}`,
    `  ${w.prov}: ${r.c2pa.state}${r.c2pa.codes.length ? ` [${r.c2pa.codes.join(', ')}]` : ''}`,
    ...(signer ? [`  ${w.signer}: ${signer}${r.c2pa.signedAt ? `, ${r.c2pa.signedAt}` : ''}`] : []),
    `  ${w.tampered}: ${tri(r.tampered)}`,
    `  ${w.law}: ${r.compliance.compliant ? w.ok : w.notOk} (${w.mr}: ${tri(r.compliance.machineReadable)}, ${w.vw}: ${tri(r.compliance.visibleWarning)})`,
    ...profileLines(r, lang, w),
    `  ${w.signals}:${r.signals.length ? '' : ` ${w.none}`}`,
    ...r.signals.map((s) => `    - [${s.source}] ${s.detail}`),
    // Source protection: the fields by name, never their values.
    ...(r.privacy?.length ? [`  ${w.privacy}: ${r.privacy.map((p) => p.field).join(', ')}`] : []),
    ...(r.recordId ? [`  ${w.record}: ${r.recordId}`] : []),
    `  ${r.summary[lang]}`,
  ];
  return lines.join('\n');
}

/** The other profiles' verdicts (kz is the Art. 21(2) line), with what each misses in the report's own words. */
function profileLines(r: VerifyReport, lang: Lang, w: Record<string, string>): string[] {
  return PROFILE_IDS.filter((id) => id !== 'kz' && r.profiles?.[id]).map((id) => {
    const p = r.profiles![id];
    return `  ${PROFILES[id].name[lang]}: ${p.compliant ? w.ok : w.notOk}${p.missing.length ? ` (${w.missing}: ${p.missing.map((m) => m[lang]).join('; ')})` : ''}`;
  });
}

export { endExiftool as shutdown } from '../provenance/exiftool.js';
