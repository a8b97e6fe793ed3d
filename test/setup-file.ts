import { afterAll } from 'vitest';
import { endExiftool } from '../src/provenance/exiftool.js';

// Every test file's worker ends its exiftool child, so no perl process outlives the run.
afterAll(endExiftool);
