import type { z } from 'zod';
import { issuesOf, verifyRequest, type ErrorIssue } from '@trawl/schemas';

export type SignedParse<T> =
  | { ok: true; data: T }
  | { ok: false; code: 'UNAUTHORIZED' | 'INVALID_REQUEST'; message: string; issues?: ErrorIssue[] };

/**
 * A body the edge signed (HMAC over method, path and body), parsed as JSON and checked against `schema`. Used for
 * offers on the node's routes and for a task handed back in the answer to a result, so both are trusted on the same terms.
 */
export async function parseSigned<T extends z.ZodType>(
  secret: string, headers: { get(name: string): string | null }, method: string, path: string, body: string, schema: T, what: string,
): Promise<SignedParse<z.infer<T>>> {
  const bad = await verifyRequest(secret, headers, method, path, body);
  if (bad) return { ok: false, code: 'UNAUTHORIZED', message: `request signature ${bad}` };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, code: 'INVALID_REQUEST', message: 'the body is not JSON', issues: [{ path: '(root)', message: 'malformed JSON' }] };
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, code: 'INVALID_REQUEST', message: `invalid ${what}`, issues: issuesOf(parsed.error) };
}
