import { timingSafeEqual } from '@trawl/schemas';

/**
 * Signed, expiring download links: what the trace viewer (which cannot send an Authorization header) and a
 * browser tab use. The HMAC key is derived from FLEET_SECRET with a label, so a link signature can never be
 * mistaken for a fleet request signature.
 */
export const LINK_TTL_MS = 60 * 60_000;
const enc = new TextEncoder();

async function mac(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', enc.encode(`trawl-artifact-link:${secret}`), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const sig = new Uint8Array(await crypto.subtle.sign('HMAC', key, enc.encode(message)));
  return [...sig].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function artifactPath(id: string, name: string): string {
  return `/artifacts/${id}/${encodeURIComponent(name)}`;
}

export async function signedArtifactUrl(baseUrl: string, secret: string, id: string, name: string, now = Date.now()): Promise<string> {
  const exp = now + LINK_TTL_MS;
  return `${baseUrl}${artifactPath(id, name)}?exp=${exp}&sig=${await mac(secret, `${id}.${exp}`)}`;
}

export async function verifyArtifactLink(secret: string, id: string, exp: string | undefined, sig: string | undefined, now = Date.now()): Promise<'ok' | 'expired' | 'bad'> {
  if (!exp || !sig || !/^\d{1,15}$/.test(exp)) return 'bad';
  if (!timingSafeEqual(await mac(secret, `${id}.${exp}`), sig)) return 'bad';
  return Number(exp) < now ? 'expired' : 'ok';
}

/** Trawl's own trace viewer (site/dist/trace, copied from playwright-core at build time) opened on a trace. */
export function viewerUrl(baseUrl: string, traceUrl: string): string {
  return `${baseUrl}/trace/index.html?trace=${encodeURIComponent(traceUrl)}`;
}
