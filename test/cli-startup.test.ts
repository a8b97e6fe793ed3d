/**
 * Start-up stays light: `--version` and `--help` load only the argument parser, never the
 * native tools (sharp, c2pa-node, SQLite) or ExifTool; a command's own help neither; a command
 * loads what it uses when it runs.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ROOT, tempDir } from './helpers/context.js';

const HEAVY = ['sharp', '@contentauth/c2pa-node', 'better-sqlite3', 'exiftool-vendored', 'zod'];

/** Runs the compiled CLI in a fresh process and lists the packages it loaded (ESM and CommonJS). */
function loadedBy(args: string[]): { out: string; packages: string[] } {
  const script = `
    import { main } from './dist/cli.js';
    const seen = new Set();
    const code = await main(['node', 'labeller', ...${JSON.stringify(args)}]);
    const { createRequire } = await import('node:module');
    for (const k of Object.keys(createRequire(import.meta.url).cache)) seen.add(k);
    process.stdout.write('\\n@@' + JSON.stringify({ code, modules: [...seen] }));
  `;
  // CommonJS packages show in require.cache; ES modules are listed by a resolve hook on stderr.
  const r = spawnSync(
    process.execPath,
    [
      '--experimental-loader',
      'data:text/javascript,export async function resolve(s,c,n){const r=await n(s,c);if(r.url.includes("/node_modules/"))process.stderr.write("@@load "+r.url+"\\n");return r}',
      '--input-type=module',
      '-e',
      script,
    ],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DATA_DIR: tempDir('labeller-startup-') } },
  );
  const [out, tail] = r.stdout.split('\n@@');
  const { modules } = JSON.parse(tail) as { modules: string[] };
  const urls = [
    ...modules,
    ...r.stderr
      .split('\n')
      .filter((l) => l.startsWith('@@load '))
      .map((l) => l.slice(7)),
  ];
  const packages = HEAVY.filter((p) => urls.some((u) => u.includes(`/node_modules/${p}/`)));
  return { out, packages };
}

it('--version and --help load none of the heavy tools', () => {
  const version = loadedBy(['--version']);
  expect(version.out.trim()).toMatch(/^\d+\.\d+\.\d+/);
  expect(version.packages).toEqual([]);
  const help = loadedBy(['--help']);
  expect(help.out).toContain('verify');
  expect(help.packages).toEqual([]);
});

it("a command's --help loads none of the native tools either: they load when it runs", () => {
  for (const command of ['label', 'verify', 'clean', 'survive', 'watch']) {
    const help = loadedBy([command, '--help']);
    expect(help.out, command).toContain(`Usage: labeller ${command}`);
    expect(
      help.packages.filter((p) => p !== 'zod'),
      command,
    ).toEqual([]);
  }
});

it('a command loads the tools it uses (the checks above can see them)', () => {
  const verify = loadedBy(['verify', '--no-ocr', path.join(ROOT, 'fixtures/peer/c2pa-rs/C.jpg')]);
  expect(verify.out).toContain('C2PA: valid');
  expect(verify.packages).toEqual(expect.arrayContaining(['sharp', '@contentauth/c2pa-node', 'zod']));
});
