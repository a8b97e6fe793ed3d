import { execFileSync } from 'node:child_process';

/** The CLI and server tests run the compiled program, as a user would after `npm ci`. */
export default function setup(): void {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
