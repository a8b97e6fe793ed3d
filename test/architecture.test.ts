/**
 * The structure the README draws, kept true: the domain imports nothing of ours; carriers,
 * detectors and the record import only the domain, configuration and each other (never in a
 * cycle); the core orchestrates them; the doors sit on top. Each external tool is imported by
 * one module only (Biome fences this too; the test also covers dynamic imports).
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from './helpers/context.js';

const SRC = path.join(ROOT, 'src');

/** Lower number = lower layer. A file may import its own layer's folders or lower ones. */
const LAYER: Record<string, number> = {
  domain: 0,
  'config.ts': 1,
  media: 2,
  provenance: 2,
  label: 2,
  text: 2,
  signals: 2,
  registry: 2,
  review: 2,
  queue: 2,
  core: 3,
  'startup.ts': 4,
  http: 5,
  watch: 5,
  cli: 5,
  'cli.ts': 5,
  'background.ts': 6,
  'server.ts': 6,
};

const TOOLS: Record<string, string> = {
  sharp: 'src/media/sharp.ts',
  '@contentauth/c2pa-node': 'src/provenance/c2pa.ts',
  'exiftool-vendored': 'src/provenance/exiftool.ts',
  'better-sqlite3': 'src/registry/database.ts',
  pg: 'src/registry/postgres.ts',
  'pg-boss': 'src/queue/pg-queue.ts',
};

function sources(dir = SRC): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

/** Every module specifier a file imports (static, type-only, re-exports and dynamic). */
function specifiers(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"\n;]*?from\s*'([^']+)'/g)) out.push(m[1]);
  for (const m of text.matchAll(/import\(\s*'([^']+)'\s*\)/g)) out.push(m[1]);
  for (const m of text.matchAll(/(?:^|\n)\s*import\s*'([^']+)'/g)) out.push(m[1]);
  return out;
}

const unitOf = (file: string) => path.relative(SRC, file).split(path.sep)[0];

it('no folder imports a folder above it, and the domain imports nothing of ours', () => {
  const wrong: string[] = [];
  for (const file of sources()) {
    const from = unitOf(file);
    expect(LAYER[from], `${from} has no layer in this test`).toBeDefined();
    for (const spec of specifiers(file)) {
      if (!spec.startsWith('.')) continue;
      const to = unitOf(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')));
      if (to === from) continue;
      if (LAYER[to] > LAYER[from] || (from === 'domain' && to !== 'domain')) wrong.push(`${path.relative(ROOT, file)} → ${spec}`);
    }
  }
  expect(wrong).toEqual([]);
});

it('carriers, detectors and the record never import each other in a cycle', () => {
  const edges = new Map<string, Set<string>>();
  for (const file of sources()) {
    const from = unitOf(file);
    for (const spec of specifiers(file)) {
      if (!spec.startsWith('.')) continue;
      const to = unitOf(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')));
      if (to !== from) edges.set(from, (edges.get(from) ?? new Set()).add(to));
    }
  }
  const reaches = (a: string, b: string, seen = new Set<string>()): boolean =>
    [...(edges.get(a) ?? [])].some((n) => {
      if (n === b) return true;
      if (seen.has(n)) return false;
      seen.add(n);
      return reaches(n, b, seen);
    });
  const cycles = [...edges.keys()].filter((u) => reaches(u, u));
  expect(cycles).toEqual([]);
});

it('each external tool is imported by exactly one module of src/', () => {
  for (const [tool, owner] of Object.entries(TOOLS)) {
    const importers = sources()
      .filter((f) => specifiers(f).includes(tool))
      .map((f) => path.relative(ROOT, f));
    expect(importers, tool).toEqual([owner]);
  }
});
