/**
 * AES-256-GCM for secrets at rest (stored logins). A key is SHA-256 of a CREDENTIALS_KEY secret; every value is
 * bound to where it lives by associated data ("<orgId>/<loginId>/<field>"), so a ciphertext copied to another row
 * or organization does not decrypt. Format: "v2.<key id>.<iv>.<ciphertext>" (base64url). The key id names the key
 * that sealed it, so after a rotation (CREDENTIALS_KEY new, CREDENTIALS_KEY_PREVIOUS old) old values still open
 * until `rotateLoginKeys` has sealed them again with the new key. "v1.<iv>.<ciphertext>" (no key id) is still read.
 */
const enc = new TextEncoder();

const b64 = (b: Uint8Array): string => btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const unb64 = (s: string): Uint8Array => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));

async function keyOf(secret: string): Promise<CryptoKey> {
  const raw = await crypto.subtle.digest('SHA-256', enc.encode(secret));
  return crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

/** A public, stable name for a key: it says which key sealed a value without revealing anything of the key. */
export async function keyIdOf(secret: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', enc.encode(`trawl-key-id:${secret}`)));
  return Array.from(digest.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join('');
}

export async function seal(secret: string, aad: string, value: unknown): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: enc.encode(aad) }, await keyOf(secret), enc.encode(JSON.stringify(value)));
  return `v2.${await keyIdOf(secret)}.${b64(iv)}.${b64(new Uint8Array(ct))}`;
}

async function open(secret: string, aad: string, iv: string, ct: string): Promise<unknown> {
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: unb64(iv), additionalData: enc.encode(aad) }, await keyOf(secret), unb64(ct));
  return JSON.parse(new TextDecoder().decode(plain));
}

/**
 * Opens a value with whichever of `secrets` (current first, then previous ones) sealed it. Throws when no key
 * matches or the key, the associated data or the ciphertext is wrong (GCM authenticates all three).
 */
export async function unseal<T>(secrets: string | readonly string[], aad: string, sealed: string): Promise<T> {
  const keys = typeof secrets === 'string' ? [secrets] : secrets;
  const parts = sealed.split('.');
  if (parts[0] === 'v2' && parts.length === 4) {
    for (const k of keys) if (await keyIdOf(k) === parts[1]) return (await open(k, aad, parts[2]!, parts[3]!)) as T;
    throw new Error('sealed with a key this deployment does not have (set CREDENTIALS_KEY_PREVIOUS during a rotation)');
  }
  if (parts[0] === 'v1' && parts.length === 3) {
    for (const k of keys) {
      try { return (await open(k, aad, parts[1]!, parts[2]!)) as T; } catch { /* the next key */ }
    }
    throw new Error('no configured key opens this value');
  }
  throw new Error('not a sealed value');
}

/** Whether a sealed value was sealed with `secret` (a rotation seals again only what still uses an old key). */
export async function sealedWith(secret: string, sealed: string): Promise<boolean> {
  const parts = sealed.split('.');
  return parts[0] === 'v2' && parts[1] === await keyIdOf(secret);
}
