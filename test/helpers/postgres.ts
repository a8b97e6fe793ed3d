/**
 * A real PostgreSQL for the record's tests. DATABASE_URL, when given, names a server the tests
 * may create databases on; otherwise a throwaway cluster is made (initdb + pg_ctl in a temp
 * folder, on a free loopback port, trust authentication, no fsync) from the binaries on PATH or
 * under /usr/lib/postgresql. As root (CI), the cluster runs as the `postgres` user Debian's
 * package creates, since PostgreSQL refuses to run as root. Without any of it: undefined, and
 * the suites skip saying why.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface TestPostgres {
  /** A fresh, empty database on the server: its URL. */
  newDatabase(prefix?: string): Promise<string>;
  stop(): Promise<void>;
}

/** Why no PostgreSQL could be had (for the skip message), when startPostgres returned undefined. */
export let postgresMissing = '';

export async function startPostgres(): Promise<TestPostgres | undefined> {
  const given = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (given) return onServer(given, async () => {});
  const bin = binDir();
  if (!bin) {
    postgresMissing = 'no PostgreSQL here (no initdb on PATH or under /usr/lib/postgresql, and no DATABASE_URL): the PostgreSQL record tests are skipped';
    return undefined;
  }
  const asUser = process.getuid?.() === 0 ? 'postgres' : undefined;
  if (asUser && spawnSync('id', ['-u', asUser]).status !== 0) {
    postgresMissing = 'running as root without a `postgres` user to run PostgreSQL as: the PostgreSQL record tests are skipped';
    return undefined;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labeller-pg-'));
  if (asUser) execFileSync('chown', [asUser, dir]);
  const run = (tool: string, args: string[]) => {
    const cmd = asUser ? 'runuser' : path.join(bin, tool);
    const argv = asUser ? ['-u', asUser, '--', path.join(bin, tool), ...args] : args;
    execFileSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
  };
  const data = path.join(dir, 'data');
  const port = await freePort();
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
  const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200`;
  run('pg_ctl', ['-D', data, '-o', settings, '-l', path.join(dir, 'log'), '-w', 'start']);
  return onServer(`postgres://postgres@127.0.0.1:${port}/postgres`, async () => {
    run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
}

function onServer(adminUrl: string, stop: () => Promise<void>): TestPostgres {
  let n = 0;
  return {
    async newDatabase(prefix = 'labeller_test') {
      const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${n++}`;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    stop,
  };
}

/** Whether startPostgres can have a server here (a URL given, or the binaries installed). */
export function postgresAvailable(): boolean {
  return !!(process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL) || !!binDir();
}

function binDir(): string | undefined {
  const onPath = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).stdout.trim();
  if (onPath) return path.dirname(fs.realpathSync(onPath));
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  return versions.map((v) => path.join(root, v, 'bin')).find((d) => fs.existsSync(path.join(d, 'initdb')));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
