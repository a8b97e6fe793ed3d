#!/usr/bin/env node
// Runs the compiled CLI (built by `npm run build`, which `npm ci` runs through `prepare`).
import module from 'node:module';

// Node 22.1+ (the Docker image's Node 22) keeps V8's compiled code between runs: a command
// starts without compiling its ~100 modules again. Node 20 has no such cache; nothing happens.
module.enableCompileCache?.();
const { main } = await import('../dist/cli.js');

void main(process.argv).then((code) => process.exit(code));
