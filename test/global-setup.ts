import { spawnSync } from 'node:child_process';

/**
 * The CLI and server tests run the compiled program, as a user would after `npm ci`.
 * tsc emits JavaScript even when types are wrong; type errors fail test/typecheck.test.ts.
 */
export default function setup(): void {
  const r = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { encoding: 'utf8' });
  if (r.status !== 0) process.stderr.write(`global-setup: tsc reported errors (see test/typecheck.test.ts)\n${r.stdout.slice(0, 2000)}\n`);
}
