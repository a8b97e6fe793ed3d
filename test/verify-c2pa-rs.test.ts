/**
 * The reference SDK's own corpus (fixtures/peer/c2pa-rs): every file gets the state its
 * README table lists, with and without the test roots as anchors, and the CLI exit code that
 * state means. Remote-manifest files must cause no network request.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { C2paState, VerifyReport } from '../src/domain/report.js';
import type { CoreContext } from '../src/core/types.js';
import { provenanceBroken } from '../src/core/verdict.js';
import { verify } from '../src/core/verify.js';
import { C2PA_RS, TEST_ROOTS, runCli, schemaErrors, tempContext } from './helpers/verify-kit.js';

type Row = [file: string, noAnchors: C2paState, withAnchors: C2paState, codes?: string[]];

// From the README table; `codes` are the failures that must be named.
const TABLE: Row[] = [
  ['C.jpg', 'valid', 'trusted'],
  ['CA.jpg', 'valid', 'trusted'],
  ['CACA.jpg', 'valid', 'trusted'],
  ['C_with_CAWG_data.jpg', 'valid', 'valid'],
  ['E-sig-CA.jpg', 'invalid', 'invalid', ['claimSignature.mismatch']],
  ['XCA.jpg', 'invalid', 'invalid', ['assertion.dataHash.mismatch']],
  ['adobe-20220124-E-clm-CAICAI.jpg', 'invalid', 'invalid', ['assertion.hashedURI.mismatch', 'ingredient.manifest.missing']],
  ['boxhash.jpg', 'valid', 'trusted'],
  ['legacy_ingredient_hash.jpg', 'valid', 'trusted'],
  ['update_manifest.jpg', 'valid', 'trusted'],
  ['cloud.jpg', 'remote', 'remote'],
  ['libpng-test_with_url.png', 'remote', 'remote'],
  ['no_alg.jpg', 'unreadable', 'unreadable'],
  ['ocsp_with_assertion.jpg', 'unreadable', 'unreadable'],
  ['prerelease.jpg', 'unreadable', 'unreadable'],
  ['sample3.svg', 'unreadable', 'unreadable'],
  ...[
    'IMG_0003.jpg',
    'earth_apollo17.jpg',
    'no_manifest.jpg',
    'libpng-test.png',
    'sample1.png',
    'sample1.webp',
    'sample1.avif',
    'sample1.gif',
    'test.tiff',
  ].map((f): Row => [f, 'absent', 'absent']),
];
// These tests are about the C2PA layer: the pixels are not read (OCR has its own tests, and
// reading 25 pictures twice made this file the slowest of the suite on a busy machine).
const NO_OCR = { ocr: false } as const;
const EXIT_OF: Record<C2paState, number> = { absent: 0, valid: 0, trusted: 0, remote: 0, invalid: 1, unreadable: 1 };
const schema = JSON.parse(fs.readFileSync('schema/verify-report.schema.json', 'utf8'));

let ctx: CoreContext;
let dataDir: string;
const anchors = fs.readFileSync(TEST_ROOTS, 'utf8');
// The remote files name https://cai-manifests.adobe.com/… and http://localhost:5000/…: a
// listener on localhost:5000 counts every connection attempt the verifier makes.
const listeners: net.Server[] = [];
let connections = 0;

beforeAll(async () => {
  ({ ctx, dir: dataDir } = await tempContext());
  for (const host of ['127.0.0.1', '::1']) {
    const server = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => (host === '::1' && err.code === 'EADDRNOTAVAIL' ? resolve() : reject(err)));
      server.listen(5000, host, () => resolve());
    });
    if (server.listening) listeners.push(server);
  }
});

afterAll(async () => {
  await Promise.all(listeners.map((s) => new Promise((r) => s.close(r))));
});

describe('c2pa-rs corpus, in process', () => {
  it('every file gets the README state without trust anchors, with the failure codes named', async () => {
    for (const [file, state, , codes] of TABLE) {
      const r = await verify(fs.readFileSync(path.join(C2PA_RS, file)), NO_OCR, ctx);
      expect.soft(r.c2pa.state, file).toBe(state);
      expect.soft(r.tampered, file).toBe(state === 'invalid');
      for (const c of codes ?? []) expect.soft(r.c2pa.codes, file).toContain(c);
      if (state === 'valid') expect.soft(r.c2pa.codes, file).toContain('signingCredential.untrusted');
      expect.soft(provenanceBroken(r) ? 1 : 0, `${file} exit code`).toBe(EXIT_OF[state]);
      expect.soft(schemaErrors(r, schema), file).toEqual([]);
    }
  });

  it('every file gets the README state with the test roots as anchors (given per call)', async () => {
    for (const [file, , state] of TABLE) {
      const r = await verify(fs.readFileSync(path.join(C2PA_RS, file)), { ...NO_OCR, trustAnchorsPem: anchors }, ctx);
      expect.soft(r.c2pa.state, file).toBe(state);
      if (state === 'trusted') expect.soft(r.c2pa.codes, file).not.toContain('signingCredential.untrusted');
    }
  });

  it('takes configured anchors from the context too', async () => {
    const r = await verify(fs.readFileSync(path.join(C2PA_RS, 'CA.jpg')), NO_OCR, { ...ctx, trustAnchorsPem: anchors });
    expect(r.c2pa.state).toBe('trusted');
  });

  it('reports signer, actions and ingredients of the active manifest', async () => {
    const r = await verify(fs.readFileSync(path.join(C2PA_RS, 'CACA.jpg')), { ...NO_OCR, trustAnchorsPem: anchors }, ctx);
    expect(r.c2pa.signer?.organisation).toBe('C2PA Test Signing Cert');
    expect(r.c2pa.signedAt).toMatch(/^\d{4}-\d\d-\d\d/);
    expect(r.c2pa.ingredients?.[0]).toMatchObject({ title: 'CA.jpg', relationship: 'parentOf', state: 'trusted' });
  });

  it('names the remote URL and says it was not fetched', async () => {
    const r = await verify(fs.readFileSync(path.join(C2PA_RS, 'libpng-test_with_url.png')), NO_OCR, ctx);
    expect(r.c2pa.remoteUrl).toBe('http://localhost:5000/libpng-test.c2pa');
    expect(r.c2pa.message).toContain('remote manifest referenced at http://localhost:5000/libpng-test.c2pa, not fetched');
    expect(r.signals.find((s) => s.source === 'c2pa')?.detail).toContain('not fetched');
  });
});

describe('c2pa-rs corpus, CLI', () => {
  it('exits 0 for every file whose provenance is intact, absent or remote', async () => {
    const files = TABLE.filter(([, s]) => EXIT_OF[s] === 0).map(([f]) => path.join(C2PA_RS, f));
    const run = await runCli(['verify', '--json', '--no-ocr', ...files], dataDir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const reports = JSON.parse(run.stdout) as VerifyReport[];
    expect(reports.map((r) => r.file)).toEqual(files);
  });

  // One process per file costs seconds on a shared machine: one invalid and one unreadable file
  // run alone; the batch run below covers the rest (its exit code is the worst file's).
  it.each(TABLE.filter(([f]) => f === 'XCA.jpg' || f === 'no_alg.jpg'))('exits 1 for %s alone (%s)', async (file, state) => {
    const run = await runCli(['verify', '--json', '--no-ocr', path.join(C2PA_RS, file)], dataDir);
    expect(run.code).toBe(1);
    expect((JSON.parse(run.stdout) as VerifyReport).c2pa.state).toBe(state);
  });

  it('applies --trust-anchors to every file of a run', async () => {
    const run = await runCli(['verify', '--json', '--no-ocr', '--trust-anchors', TEST_ROOTS, ...TABLE.map(([f]) => path.join(C2PA_RS, f))], dataDir);
    expect(run.code).toBe(1);
    const reports = JSON.parse(run.stdout) as VerifyReport[];
    expect(reports.map((r) => r.c2pa.state)).toEqual(TABLE.map(([, , s]) => s));
  });

  it('exits 2 for a missing file and for an unusable anchors file', async () => {
    expect((await runCli(['verify', path.join(C2PA_RS, 'nope.jpg')], dataDir)).code).toBe(2);
    expect((await runCli(['verify', '--trust-anchors', path.join(C2PA_RS, 'README.md'), path.join(C2PA_RS, 'C.jpg')], dataDir)).code).toBe(2);
  });
});

describe('remote manifests', () => {
  it('made no network request for the remote-URL files (in process and CLI)', () => {
    // Runs after the suites above, which verified cloud.jpg and libpng-test_with_url.png several times.
    expect(listeners.length).toBeGreaterThan(0);
    expect(connections).toBe(0);
  });

  it('fetches only from an allow-listed host (the listener then sees the request)', async () => {
    const r = await verify(fs.readFileSync(path.join(C2PA_RS, 'libpng-test_with_url.png')), { ...NO_OCR, remoteManifestHosts: ['localhost:5000'] }, ctx);
    expect(connections).toBeGreaterThan(0);
    expect(r.c2pa.state).toBe('remote');
    expect(r.c2pa.message).toContain('could not be fetched');
  });
});
