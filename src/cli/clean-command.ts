/**
 * `labeller clean <file> -o <out>`: a clean copy of an incoming picture, without the personal
 * data `labeller verify` lists (GPS, serial numbers, owner names, device ids, previews, editing
 * history, prompts); see core/clean.ts for what is kept. Exit 0 when written, 2 otherwise.
 */
import type { Command } from 'commander';
import { EXIT, fail, readInput, say, writeAtomic } from './common.js';

export function register(program: Command): void {
  program
    .command('clean')
    .description('A clean copy of a picture: GPS, serial numbers, owner names, device ids, previews and editing history removed')
    .argument('<file>', 'a picture (JPEG, PNG, WebP, AVIF, TIFF)')
    .requiredOption('-o, --output <file>', 'where to write the clean copy')
    .option('-f, --force', 'replace an existing output file')
    .option('--json', 'print what was removed as JSON')
    .action(async (file: string, flags: { output: string; force?: boolean; json?: boolean }) => {
      try {
        const [{ createContext }, { cleanCopy }] = await Promise.all([import('../startup.js'), import('../core/clean.js')]);
        const ctx = await createContext({ warn: () => {}, records: false });
        const r = await cleanCopy(readInput(file, ctx.config.maxUploadBytes), ctx, { fileName: file });
        writeAtomic(flags.output, r.bytes, flags.force);
        if (flags.json)
          process.stdout.write(`${JSON.stringify({ file, output: flags.output, removed: r.removed, manifest: r.manifest, warnings: r.warnings }, null, 2)}\n`);
        else say(`${file}: ${r.removed.length ? `removed ${r.removed.map((i) => i.field).join(', ')}` : 'no personal data found'}; manifest ${r.manifest}`);
        for (const w of r.warnings) say(`${file}: ${w}`);
        process.exitCode = EXIT.ok;
      } catch (err) {
        process.exitCode = fail(err, file);
      }
    });
}

export { endExiftool as shutdown } from '../provenance/exiftool.js';
