import type { notificationEndpoints } from '@trawl/db';
import { unseal } from '../lib/secret-box.ts';
import type { ServiceContext } from '../services/context.ts';
import { credentialKeys } from '../services/logins/logins.ts';

type EndpointRow = typeof notificationEndpoints.$inferSelect;

/** Associated data binding an endpoint's sealed secret to its organization and endpoint. */
export const secretAad = (orgId: string, endpointId: string, which: 'current' | 'previous'): string => `${orgId}/${endpointId}/webhook-secret/${which}`;

/** The secrets an attempt signs with: the current one, and the rotated-out one while its overlap lasts. */
export async function signingSecrets(ctx: ServiceContext, row: EndpointRow, now: number): Promise<string[]> {
  if (!row.secretEnc) throw new Error('the endpoint has no signing secret');
  const keys = credentialKeys(ctx);
  const out = [await unseal<string>(keys, secretAad(row.orgId, row.id, 'current'), row.secretEnc)];
  if (row.previousSecretEnc && (row.previousSecretUntil ?? 0) > now) {
    out.push(await unseal<string>(keys, secretAad(row.orgId, row.id, 'previous'), row.previousSecretEnc));
  }
  return out;
}
