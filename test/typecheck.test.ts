import { spawnSync } from 'node:child_process';
import { expect, it } from 'vitest';
import { ROOT } from './helpers/context.js';

it('the whole project type-checks in strict mode', () => {
  const r = spawnSync('npx', ['tsc', '--noEmit', '-p', 'tsconfig.json'], { cwd: ROOT, encoding: 'utf8' });
  expect(r.stdout + r.stderr).toBe('');
  expect(r.status).toBe(0);
});
