/**
 * The command line door: argv → core → exit code.
 * Exit codes: 0 success; 1 provenance present but invalid or tampered (verify);
 * 2 input could not be read, bad usage or bad configuration.
 *
 * Start-up stays light: only the command being run is loaded (with the tools it uses), so
 * `labeller --version` and `--help` never load sharp, c2pa-node, ExifTool or SQLite.
 */
import { Command, CommanderError } from 'commander';
import { EXIT, fail } from './cli/common.js';
import { TOOL } from './domain/tool.js';

interface CommandModule {
  register(program: Command): void;
  /** Ends the external tools the command started (ExifTool's child process). */
  shutdown?(): Promise<void>;
}

const COMMANDS: Record<string, { description: string; load: () => Promise<CommandModule> }> = {
  label: {
    description: 'Label AI-generated files: burn in a visible warning, write IPTC/XMP, sign a C2PA manifest',
    load: () => import('./cli/label-command.js'),
  },
  clean: {
    description: 'A clean copy of a picture: GPS, serial numbers, owner names, device ids, previews and editing history removed',
    load: () => import('./cli/clean-command.js'),
  },
  records: { description: 'The provenance record: every labelling and verification, hash-chained', load: () => import('./cli/records-command.js') },
  review: {
    description: 'Held files: list, approve (released, signed with the review) or reject; the CLI acts as the admin',
    load: () => import('./cli/review-command.js'),
  },
  survive: {
    description: 'Survival report: the copies platforms and editors make of a labelled file, and which layers survive each',
    load: () => import('./cli/survive-command.js'),
  },
  verify: { description: 'Verify incoming media: C2PA state, AI traces and Art. 21(2) compliance', load: () => import('./cli/verify-command.js') },
  watch: {
    description: 'Watch a folder: label files dropped in <dir>/inbox, verify files dropped in <dir>/verify-inbox',
    load: () => import('./cli/watch-command.js'),
  },
};

/** The program with the named command fully defined and the others listed by name only. */
export async function buildProgram(wanted?: string): Promise<{ program: Command; loaded?: CommandModule }> {
  const program = new Command('labeller')
    .description('Label AI-generated images and texts (visible warning + signed provenance) and verify incoming media.')
    .version(TOOL.version)
    .showHelpAfterError()
    .exitOverride();
  let loaded: CommandModule | undefined;
  for (const [name, c] of Object.entries(COMMANDS)) {
    if (name === wanted) {
      loaded = await c.load();
      loaded.register(program);
    } else program.command(name).description(c.description);
  }
  return { program, loaded };
}

export async function main(argv: string[]): Promise<number> {
  const args = argv.slice(2);
  const wanted = args[0] === 'help' ? args[1] : args[0];
  let loaded: CommandModule | undefined;
  try {
    const built = await buildProgram(wanted);
    loaded = built.loaded;
    await built.program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version are not errors
      return err.exitCode === 0 ? EXIT.ok : EXIT.unreadable;
    }
    return fail(err);
  } finally {
    await loaded?.shutdown?.();
  }
}
