import type { IncomingMessage } from 'node:http';

/** Headers that describe one hop (RFC 9110 §7.6.1), plus the proxy's own: never passed along. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** Raw header pairs (duplicates such as set-cookie kept) minus hop-by-hop ones and any the Connection header names. */
export function forwardHeaders(raw: readonly string[]): string[] {
  const named = new Set<string>();
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]?.toLowerCase() === 'connection') for (const n of (raw[i + 1] ?? '').split(',')) named.add(n.trim().toLowerCase());
  }
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? '';
    const lower = name.toLowerCase();
    if (!HOP_BY_HOP.has(lower) && !named.has(lower)) out.push(name, raw[i + 1] ?? '');
  }
  return out;
}

/** The request line and headers of an upgrade, in origin form; Connection/Upgrade stay (they are the handshake). */
export function rawRequestHead(req: IncomingMessage, path: string): string {
  const lines = [`${req.method ?? 'GET'} ${path} HTTP/1.1`];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i] ?? '';
    if (!name.toLowerCase().startsWith('proxy-')) lines.push(`${name}: ${req.rawHeaders[i + 1] ?? ''}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}
