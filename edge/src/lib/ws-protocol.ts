/**
 * Browsers cannot set headers on a WebSocket, so the SDK there offers its API key as a subprotocol (ADR 0052):
 * `["trawl.v1", "trawl.key.<API key>"]`. The key travels in a header, not in the URL (logs, history); the server
 * answers with `trawl.v1` alone, which the browser requires once subprotocols were offered, and never echoes the key.
 */
export const KEY_PROTOCOL_PREFIX = 'trawl.key.';
export const EVENTS_PROTOCOL = 'trawl.v1';

/** `Bearer <key>` from an offered `Sec-WebSocket-Protocol` list, or '' when it offers no key. */
export function keyFromProtocols(offered: string | null | undefined): string {
  const key = offered?.split(',').map((p) => p.trim()).find((p) => p.startsWith(KEY_PROTOCOL_PREFIX))?.slice(KEY_PROTOCOL_PREFIX.length);
  return key ? `Bearer ${key}` : '';
}

/** The upgrade answer with `trawl.v1` chosen when the client offered it (else unchanged). */
export function withEventsProtocol(request: Request, upgraded: Response): Response {
  const offered = request.headers.get('sec-websocket-protocol')?.split(',').map((p) => p.trim()) ?? [];
  if (upgraded.status !== 101 || !upgraded.webSocket || !offered.includes(EVENTS_PROTOCOL)) return upgraded;
  return new Response(null, { status: 101, webSocket: upgraded.webSocket, headers: { 'sec-websocket-protocol': EVENTS_PROTOCOL } });
}
