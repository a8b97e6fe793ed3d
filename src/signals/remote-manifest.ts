/**
 * Fetches a remote C2PA manifest, only ever for a host the operator allow-listed (a file
 * that names a URL must not make the verifier call it: server-side request forgery).
 * Redirects are refused, since they could lead off the allow-list; time and size are capped.
 */
const TIMEOUT_MS = 10_000;
const MAX_BYTES = 16 * 1024 * 1024;

export function hostAllowed(url: string, hosts: string[]): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return false;
  const allowed = hosts.map((h) => h.trim().toLowerCase()).filter(Boolean);
  return allowed.includes(u.host.toLowerCase()) || allowed.includes(u.hostname.toLowerCase());
}

export async function fetchRemoteManifest(url: string): Promise<Buffer> {
  const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(TIMEOUT_MS), headers: { accept: 'application/c2pa' } });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  if (Number(res.headers.get('content-length') ?? 0) > MAX_BYTES) throw new Error('the manifest is larger than 16 MB');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body ?? []) {
    size += chunk.length;
    if (size > MAX_BYTES) throw new Error('the manifest is larger than 16 MB');
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}
