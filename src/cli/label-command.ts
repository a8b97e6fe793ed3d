import fs from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { createContext } from '../core/context.js';
import { label } from '../core/label.js';
import { parseLabelOptions, textFormatFromName } from '../core/options.js';
import type { LabelRecord } from '../core/types.js';
import { LabellerError } from '../errors.js';
import { PLACEMENTS } from '../label/image-mark.js';
import { SOURCE_TYPES } from '../provenance/xmp.js';
import { EXIT, fail, readInput, say, writeAtomic } from './common.js';

interface LabelFlags {
  output: string;
  lang?: string;
  textKk?: string;
  textRu?: string;
  textEn?: string;
  placement?: string;
  sourceType?: string;
  aiSystem?: string;
  aiVersion?: string;
  prompt?: string;
  promptWriter?: string;
  quality?: string;
  json?: boolean;
  force?: boolean;
}

export function registerLabel(program: Command): void {
  program
    .command('label')
    .description('Label AI-generated files: burn in a visible warning, write IPTC/XMP, sign a C2PA manifest')
    .argument('<inputs...>', 'files to label: JPEG, PNG, WebP, AVIF, TIFF images; .txt, .md, .html texts')
    .requiredOption('-o, --output <path>', 'output file, or a directory (ending in /) for several inputs')
    .option('--lang <list>', 'languages of the warning, comma-separated: kk, ru, en (default from DEFAULT_LANGUAGES: kk,ru)')
    .option('--text-kk <text>', 'Kazakh wording instead of the default')
    .option('--text-ru <text>', 'Russian wording instead of the default')
    .option('--text-en <text>', 'English wording instead of the default')
    .addOption(new Option('--placement <where>', 'where the warning goes').choices([...PLACEMENTS, 'start', 'end']))
    .addOption(new Option('--source-type <type>', 'IPTC digital source type').choices([...SOURCE_TYPES]))
    .option('--ai-system <name>', 'AI system used (IPTC AISystemUsed, C2PA softwareAgent)')
    .option('--ai-version <version>', 'version of the AI system')
    .option('--prompt <text>', 'prompt information (IPTC AIPromptInformation)')
    .option('--prompt-writer <name>', 'who wrote the prompt (IPTC AIPromptWriterName)')
    .option('--quality <1-100>', 'JPEG/WebP/AVIF quality (default JPEG_QUALITY, 92)')
    .option('--json', 'print the record of what was done as JSON')
    .option('-f, --force', 'replace existing output files (including the input itself)')
    .action(async (inputs: string[], flags: LabelFlags) => {
      process.exitCode = await runLabel(inputs, flags);
    });
}

async function runLabel(inputs: string[], flags: LabelFlags): Promise<number> {
  const options = parseLabelOptions({
    languages: flags.lang,
    text_kk: flags.textKk,
    text_ru: flags.textRu,
    text_en: flags.textEn,
    placement: flags.placement,
    sourceType: flags.sourceType,
    aiSystem: flags.aiSystem,
    aiSystemVersion: flags.aiVersion,
    prompt: flags.prompt,
    promptWriter: flags.promptWriter,
    quality: flags.quality,
  });
  const toDir = inputs.length > 1 || /[\\/]$/.test(flags.output) || isDir(flags.output);
  const targets = inputs.map((input) => (toDir ? path.join(flags.output, path.basename(input)) : flags.output));
  const seen = new Set<string>();
  for (const t of targets) {
    if (seen.has(path.resolve(t))) throw new LabellerError('bad_option', `two inputs would be written to ${t}; give them different names`);
    seen.add(path.resolve(t));
  }
  const ctx = await createContext({ warn: say });
  const bar = inputs.length > 1 && process.stderr.isTTY ? new SingleBar({ format: 'labelling {bar} {value}/{total} {file}', hideCursor: true }, Presets.shades_classic) : undefined;
  bar?.start(inputs.length, 0, { file: '' });
  const records: LabelRecord[] = [];
  let exit: number = EXIT.ok;
  for (const [i, input] of inputs.entries()) {
    bar?.update(i, { file: path.basename(input) });
    try {
      const target = targets[i];
      if (!flags.force && path.resolve(target) === path.resolve(input)) throw new LabellerError('output_exists', 'the output would overwrite the input (use --force to allow it)');
      if (!flags.force && fs.existsSync(target)) throw new LabellerError('output_exists', `${target} already exists (use --force to replace it)`);
      const bytes = readInput(input, ctx.config.maxUploadBytes);
      const result = await label(bytes, { ...options, title: options.title ?? path.basename(input), textFormat: options.textFormat ?? textFormatFromName(input) }, ctx, { actor: 'cli', door: 'cli' });
      writeAtomic(target, result.bytes, flags.force);
      records.push({ ...result.record, ...({ input, output: target } as object) });
      for (const w of result.record.warnings) say(`${input}: ${w}`);
    } catch (err) {
      bar?.stop();
      exit = Math.max(exit, fail(err, input));
    }
  }
  bar?.update(inputs.length, { file: '' });
  bar?.stop();
  if (flags.json) process.stdout.write(JSON.stringify(inputs.length === 1 && !toDir ? records[0] ?? null : records, null, 2) + '\n');
  return exit;
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
