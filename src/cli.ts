/**
 * The command line door: argv → core → exit code.
 * Exit codes: 0 success; 1 provenance present but invalid or tampered (verify);
 * 2 input could not be read, bad usage or bad configuration.
 */
import { Command, CommanderError } from 'commander';
import { registerLabel } from './cli/label-command.js';
import { registerRecords } from './cli/records-command.js';
import { registerVerify } from './cli/verify-command.js';
import { registerWatch } from './cli/watch-command.js';
import { EXIT, fail } from './cli/common.js';
import { endExiftool } from './provenance/exiftool.js';
import { TOOL_INFO } from './core/manifest.js';

export function buildProgram(): Command {
  const program = new Command('labeller')
    .description('Label AI-generated images and texts (visible warning + signed provenance) and verify incoming media.')
    .version(TOOL_INFO.version)
    .showHelpAfterError()
    .exitOverride();
  registerLabel(program);
  registerRecords(program);
  registerVerify(program);
  registerWatch(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version are not errors
      return err.exitCode === 0 ? EXIT.ok : EXIT.unreadable;
    }
    return fail(err);
  } finally {
    await endExiftool();
  }
}
