import { describe, expect, it } from 'vitest';
import { keyIdOf, seal, sealedWith, unseal } from '../src/lib/secret-box.ts';

const OLD = 'an-old-credentials-key-of-32-characters!!';
const NEW = 'a-new-credentials-key-of-32-characters!!!';
const AAD = 'org_a/lgn_1/credential';

describe('secret box (AES-GCM at rest with key rotation)', () => {
  it('opens what it sealed, only with the same associated data', async () => {
    const sealed = await seal(NEW, AAD, { username: 'u', password: 'p' });
    expect(sealed).not.toContain('"p"');
    expect(await unseal(NEW, AAD, sealed)).toEqual({ username: 'u', password: 'p' });
    await expect(unseal(NEW, 'org_b/lgn_1/credential', sealed)).rejects.toThrow();
    await expect(unseal(OLD, AAD, sealed)).rejects.toThrow(/key this deployment does not have/);
  });

  it('names the sealing key, so a rotation reads old values with the previous key and re-seals them', async () => {
    const before = await seal(OLD, AAD, 'session');
    expect(await sealedWith(OLD, before)).toBe(true);
    expect(await sealedWith(NEW, before)).toBe(false);
    expect(await unseal([NEW, OLD], AAD, before)).toBe('session');
    const after = await seal(NEW, AAD, await unseal([NEW, OLD], AAD, before));
    expect(await unseal([NEW], AAD, after)).toBe('session');
    expect(await keyIdOf(NEW)).not.toBe(await keyIdOf(OLD));
    expect(await keyIdOf(NEW)).toMatch(/^[0-9a-f]{12}$/);
  });

  it('rejects tampered values', async () => {
    const sealed = await seal(NEW, AAD, 'x');
    const parts = sealed.split('.');
    const flipped = parts[3]!.slice(0, -2) + (parts[3]!.endsWith('A') ? 'B' : 'A') + parts[3]!.slice(-1);
    await expect(unseal(NEW, AAD, [...parts.slice(0, 3), flipped].join('.'))).rejects.toThrow();
    await expect(unseal(NEW, AAD, 'garbage')).rejects.toThrow(/not a sealed value/);
  });
});
