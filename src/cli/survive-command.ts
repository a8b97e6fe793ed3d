/**
 * `labeller survive <file>`: the survival report of a labelled file: the copies distribution
 * makes of it and, for each, which layers survive (visible warning, XMP, C2PA, ISCC, record).
 * Exit 0 when the report was made, 2 when the file could not be read. The record is read,
 * never written: the copies are made here, they were not published.
 */
import type { Command } from 'commander';
import { textFormatFromName } from '../core/options.js';
import type { LayerState, SurvivalReport } from '../domain/distribution.js';
import { EXIT, fail, readInput } from './common.js';

export function register(program: Command): void {
  program
    .command('survive')
    .description('Survival report: make the copies platforms and editors make of a labelled file and show which layers survive each')
    .argument('<file>', 'a labelled image or text')
    .option('--json', 'print the report as JSON (schema/survival-report.schema.json)')
    .option('--no-ocr', 'do not read the pixels of the copies for the warning (the recorded region is compared instead)')
    .action(async (file: string, flags: { json?: boolean; ocr: boolean }) => {
      try {
        const [{ createContext }, { survive }] = await Promise.all([import('../startup.js'), import('../core/survive.js')]);
        const ctx = await createContext({ warn: () => {} });
        try {
          const report = await survive(
            readInput(file, ctx.config.maxUploadBytes),
            { fileName: file, textFormat: textFormatFromName(file), ocr: flags.ocr },
            ctx,
          );
          process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : render(report));
          process.exitCode = EXIT.ok;
        } finally {
          await ctx.records?.close();
        }
      } catch (err) {
        process.exitCode = fail(err, file);
      }
    });
}

const mark = (l: LayerState | null) => (l === null || l.survives === null ? '–' : l.survives ? 'yes' : 'NO');

function render(r: SurvivalReport): string {
  const rows = [{ id: 'labelled file', layers: r.original.layers }, ...r.copies];
  const head = ['copy', 'visible', 'XMP', 'C2PA', 'ISCC', 'record'];
  const cells = rows.map((c) => [
    c.id,
    mark(c.layers.visibleWarning),
    mark(c.layers.xmp),
    mark(c.layers.c2pa),
    `${mark(c.layers.iscc)}${c.layers.iscc.distance !== undefined ? ` (${c.layers.iscc.distance})` : ''}`,
    `${mark(c.layers.record)}${c.layers.record.via ? ` (${c.layers.record.via} ${c.layers.record.distance})` : ''}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [
    `${r.file ?? ''}  (${r.kind}, ${r.format}; ISCC ${r.original.iscc ?? '-'}; record ${r.original.recordId ?? '-'})`,
    line(head),
    ...cells.map(line),
    `ISCC: bits of 64 from the labelled file's soft binding (same content within ${r.isccThreshold}); record: traced to the labelled file's record, and how.`,
    '',
  ].join('\n');
}
