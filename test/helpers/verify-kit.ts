/** Shared by the verify tests: a temporary context, the built CLI, PNG chunk writing, a schema check. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { loadConfig } from '../../src/config.js';
import { createContext } from '../../src/startup.js';
import type { CoreContext } from '../../src/core/types.js';

export const C2PA_RS = path.resolve(import.meta.dirname, '../../fixtures/peer/c2pa-rs');
export const TEST_ROOTS = path.join(C2PA_RS, 'trust/test_cert_root_bundle.pem');

/** A context on a fresh DATA_DIR; without the provenance record unless asked for. */
export async function tempContext(opts: { records?: boolean } = {}): Promise<{ ctx: CoreContext; dir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-test-'));
  const config = loadConfig({ DATA_DIR: dir } as NodeJS.ProcessEnv);
  return { ctx: await createContext({ config, ...(opts.records ? {} : { records: false as const }) }), dir };
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the compiled CLI (built by test/global-setup.ts) as a user would. */
export function runCli(args: string[], dataDir: string): Promise<CliRun> {
  return new Promise((resolve) => {
    const env = { ...process.env, DATA_DIR: dataDir, TRUST_ANCHORS: '', REMOTE_MANIFEST_HOSTS: '' };
    execFile(process.execPath, ['bin/labeller.js', ...args], { env, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Inserts text chunks before IEND, as SD web UIs and ComfyUI do. */
export function withPngText(png: Buffer, chunks: { keyword: string; text: string; type?: 'tEXt' | 'zTXt' | 'iTXt' }[]): Buffer {
  const iend = png.lastIndexOf(Buffer.from('IEND', 'latin1')) - 4;
  const built = chunks.map(({ keyword, text, type = 'tEXt' }) => {
    const key = Buffer.from(keyword + '\0', 'latin1');
    const data =
      type === 'tEXt'
        ? Buffer.concat([key, Buffer.from(text, 'latin1')])
        : type === 'zTXt'
          ? Buffer.concat([key, Buffer.from([0]), deflateSync(Buffer.from(text, 'latin1'))])
          : Buffer.concat([key, Buffer.from([0, 0, 0, 0]), Buffer.from(text, 'utf8')]);
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, crc]);
  });
  return Buffer.concat([png.subarray(0, iend), ...built, png.subarray(iend)]);
}

export function xmpPacket(body: string, ns: Record<string, string>): string {
  const xmlns = Object.entries(ns)
    .map(([p, uri]) => `xmlns:${p}="${uri}"`)
    .join(' ');
  return `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" ${xmlns}>${body}</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;
}

type Schema = Record<string, any>;

/**
 * Checks a value against the JSON Schema subset schema/verify-report.schema.json uses
 * (type, enum, required, properties, items, $ref, pattern, minimum, additionalProperties).
 * Returns the list of violations, empty when the value conforms.
 */
export function schemaErrors(value: unknown, schema: Schema, root: Schema = schema, at = '$'): string[] {
  if (schema.$ref) return schemaErrors(value, resolveRef(root, schema.$ref), root, at);
  const errors: string[] = [];
  if (schema.type) {
    const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (!types.some((t) => typeMatches(value, t))) return [`${at}: expected ${types.join('|')}, got ${JSON.stringify(value)?.slice(0, 60)}`];
  }
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${at}: ${JSON.stringify(value)} not in ${schema.enum.join(', ')}`);
  if (typeof value === 'string' && schema.pattern && !new RegExp(schema.pattern).test(value)) errors.push(`${at}: does not match ${schema.pattern}`);
  if (typeof value === 'number' && schema.minimum !== undefined && value < schema.minimum) errors.push(`${at}: below ${schema.minimum}`);
  if (Array.isArray(value) && schema.items) for (const [i, v] of value.entries()) errors.push(...schemaErrors(v, schema.items, root, `${at}[${i}]`));
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    for (const k of schema.required ?? []) if (!(k in obj)) errors.push(`${at}: missing ${k}`);
    for (const [k, v] of Object.entries(obj)) {
      const sub = schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      if (sub) errors.push(...schemaErrors(v, sub, root, `${at}.${k}`));
    }
  }
  return errors;
}

function typeMatches(v: unknown, t: string): boolean {
  if (t === 'null') return v === null;
  if (t === 'array') return Array.isArray(v);
  if (t === 'object') return !!v && typeof v === 'object' && !Array.isArray(v);
  if (t === 'integer') return Number.isInteger(v);
  return typeof v === t;
}

function resolveRef(root: Schema, ref: string): Schema {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce((s: Schema, k) => s[k], root);
}
