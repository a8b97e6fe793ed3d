/** The compiled service (`npm start`) in a process of its own, as an operator runs it. */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './context.js';

export interface ServiceProcess {
  child: ChildProcessWithoutNullStreams;
  url: string;
  /** Everything the service printed so far (JSON log lines). */
  logs(): string;
}

/** Starts dist/server.js on a free loopback port with the given environment; resolves once it listens. */
export async function startServiceProcess(env: Record<string, string>): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/server.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', WATCH_ENABLED: 'false', ...env },
  });
  let logs = '';
  child.stdout.on('data', (d) => (logs += d));
  child.stderr.on('data', (d) => (logs += d));
  for (let waited = 0; !/labeller listening/.test(logs); waited += 100) {
    if (waited > 30_000 || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`the service did not start:\n${logs.slice(0, 2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const url = JSON.parse(logs.split('\n').find((l) => l.includes('labeller listening'))!).url as string;
  return { child, url, logs: () => logs };
}
