/**
 * HMAC-SHA256 request signing between the edge and the fleet (both directions).
 * The signature covers a timestamp, the method, the path and a hash of the body,
 * so a captured request cannot be replayed later or against another path.
 */
export const SIGNATURE_HEADER = 'x-trawl-signature';
export const TIMESTAMP_HEADER = 'x-trawl-timestamp';
export const MAX_SKEW_MS = 5 * 60_000;

const enc = new TextEncoder();

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', enc.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return toHex(await crypto.subtle.sign('HMAC', key, enc.encode(message)));
}

export async function sha256Hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === 'string' ? enc.encode(data) : data;
  return toHex(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
}

function toHex(buf: ArrayBuffer): string {
  return [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function canonical(ts: string, method: string, path: string, body: string | Uint8Array): Promise<string> {
  return `${ts}\n${method.toUpperCase()}\n${path}\n${await sha256Hex(body)}`;
}

export async function signRequest(secret: string, method: string, path: string, body: string | Uint8Array, now = Date.now()): Promise<Record<string, string>> {
  const ts = String(now);
  return { [TIMESTAMP_HEADER]: ts, [SIGNATURE_HEADER]: await hmacHex(secret, await canonical(ts, method, path, body)) };
}

export type VerifyFailure = 'missing' | 'skew' | 'mismatch';

export async function verifyRequest(
  secret: string,
  headers: { get(name: string): string | null },
  method: string,
  path: string,
  /** The raw bytes as received, or a string (hashed as UTF-8, the same bytes a JSON body was sent as). */
  body: string | Uint8Array,
  now = Date.now(),
): Promise<VerifyFailure | null> {
  const ts = headers.get(TIMESTAMP_HEADER);
  const sig = headers.get(SIGNATURE_HEADER);
  if (!ts || !sig) return 'missing';
  if (!/^\d{1,15}$/.test(ts) || Math.abs(now - Number(ts)) > MAX_SKEW_MS) return 'skew';
  const expected = await hmacHex(secret, await canonical(ts, method, path, body));
  return timingSafeEqual(expected, sig) ? null : 'mismatch';
}

/** Constant-time comparison of two strings (length leaks, content does not). */
export function timingSafeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
