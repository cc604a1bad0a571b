/**
 * AES-256-GCM for secrets at rest (stored logins). The key is SHA-256 of the CREDENTIALS_KEY secret; every value is
 * bound to where it lives by associated data ("<orgId>/<loginId>/<field>"), so a ciphertext copied to another row
 * or organization does not decrypt. Format: "v1.<iv>.<ciphertext>", base64url.
 */
const enc = new TextEncoder();

const b64 = (b: Uint8Array): string => btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const unb64 = (s: string): Uint8Array => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));

async function keyOf(secret: string): Promise<CryptoKey> {
  const raw = await crypto.subtle.digest('SHA-256', enc.encode(secret));
  return crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

export async function seal(secret: string, aad: string, value: unknown): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: enc.encode(aad) }, await keyOf(secret), enc.encode(JSON.stringify(value)));
  return `v1.${b64(iv)}.${b64(new Uint8Array(ct))}`;
}

/** Throws when the key, the associated data or the ciphertext is wrong (GCM authenticates all three). */
export async function unseal<T>(secret: string, aad: string, sealed: string): Promise<T> {
  const [v, iv, ct] = sealed.split('.');
  if (v !== 'v1' || !iv || !ct) throw new Error('not a sealed value');
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: unb64(iv), additionalData: enc.encode(aad) }, await keyOf(secret), unb64(ct));
  return JSON.parse(new TextDecoder().decode(plain)) as T;
}
