/** Prefixed, time-sortable ids generated in the app, so no statement needs another's result. */
export type IdPrefix = 'org' | 'usr' | 'key' | 'job' | 'run' | 'tsk' | 'req' | 'nod' | 'lease' | 'aud' | 'ses' | 'inv' | 'lgn' | 'tpl' | 'prx' | 'brs' | 'shr' | 'sch' | 'nep' | 'msg' | 'nat';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

export function newId(prefix: IdPrefix, now = Date.now()): string {
  const time = now.toString(36).padStart(9, '0');
  return `${prefix}_${time}${randomString(12)}`;
}

export function randomString(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = '';
  for (const b of bytes) out += ALPHABET[b % 36];
  return out;
}
