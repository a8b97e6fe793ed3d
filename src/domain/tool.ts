/** This program's name and version, read from package.json (one place to bump it). */
import { createRequire } from 'node:module';

const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };

export const TOOL = { name: 'ai-provenance-labeller', version: pkg.version } as const;
