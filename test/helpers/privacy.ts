/** The privacy tests' shared pieces: a service on loopback with the given keys, and a photo posted to it. */
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { tempDir } from './context.js';

export function keyedServer(apiKeys: string, prefix: string): Promise<RunningServer> {
  const config = loadConfig({
    DATA_DIR: path.join(tempDir(prefix), 'data'),
    PORT: '0',
    HOST: '127.0.0.1',
    API_KEYS: apiKeys,
    LOG_LEVEL: 'silent',
    WATCH_ENABLED: 'false',
  } as NodeJS.ProcessEnv);
  return startServer({ config });
}

/** POSTs `photo` as the multipart field `file` (named photo.jpg) with `fields`. */
export function postPhoto(url: string, photo: Buffer, fields: Record<string, string>, headers: Record<string, string>): Promise<Response> {
  const form = new FormData();
  form.set('file', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'photo.jpg');
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return fetch(url, { method: 'POST', body: form, headers });
}
