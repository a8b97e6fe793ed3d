/**
 * The caller's address for per-client limits: the socket's peer (proxies are not trusted).
 * IPv4-mapped IPv6 counts as IPv4; IPv6 is grouped by /64, since one host usually holds a
 * whole /64 and could otherwise pick a fresh address for every request.
 */
import type { Request } from 'express';

export function clientAddress(req: Request): string {
  const raw = (req.socket?.remoteAddress ?? '').split('%')[0].toLowerCase();
  if (!raw) return 'unknown';
  if (raw.startsWith('::ffff:') && raw.includes('.')) return raw.slice(7);
  if (!raw.includes(':')) return raw;
  return `${ipv6Prefix64(raw)}::/64`;
}

function ipv6Prefix64(a: string): string {
  const [head, tail] = a.split('::', 2);
  const h = head ? head.split(':') : [];
  const t = tail === undefined ? [] : tail ? tail.split(':') : [];
  // An embedded IPv4 tail (::1.2.3.4) stands for two groups.
  const tailGroups = t.length + (t.length && t[t.length - 1].includes('.') ? 1 : 0);
  const groups = tail === undefined ? h : [...h, ...Array<string>(Math.max(0, 8 - h.length - tailGroups)).fill('0'), ...t];
  return groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=[0-9a-f])/, '') || '0')
    .join(':');
}
