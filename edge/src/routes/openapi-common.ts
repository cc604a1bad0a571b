import { z } from '@hono/zod-openapi';
import { ErrorBody, ERRORS, type ErrorCode } from '@trawl/schemas';
import type { Context } from 'hono';
import type { AppEnv } from '../app.ts';
import { ApiError } from '../lib/errors.ts';
import { issuesOf } from '@trawl/schemas';

export const security = [{ apiKey: [] }];

/** OpenAPI error responses generated from the same code table the API answers with, so docs cannot drift. */
export function errorResponses(...codes: ErrorCode[]) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of ['UNAUTHORIZED', 'INTERNAL', ...codes] as ErrorCode[]) {
    const s = ERRORS[code].status;
    byStatus.set(s, [...(byStatus.get(s) ?? []), code]);
  }
  return Object.fromEntries([...byStatus].map(([status, list]) => [status, {
    description: list.map((c) => `\`${c}\`: ${ERRORS[c].hint}`).join(' '),
    content: { 'application/json': { schema: ErrorBody } },
  }]));
}

export const IdParam = (name: string) => z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' }, example: `${name}_0mh3x2k1a9f3c7d1e8b2` }) });

/** Reads a JSON body whatever its content type says; malformed JSON is the caller's INVALID_SPEC. */
export async function readJsonBody(c: Context<AppEnv>, code: 'INVALID_SPEC' | 'INVALID_REQUEST' = 'INVALID_SPEC'): Promise<unknown> {
  const text = await c.req.text();
  if (!text.trim()) throw new ApiError(code, 'The request body is empty; send a JSON object', { issues: [{ path: '(root)', message: 'empty body' }] });
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ApiError(code, 'The request body is not valid JSON', { issues: [{ path: '(root)', message: String((err as Error).message) }] });
  }
}

/** A per-route validation hook for bodies that are not job specs: their failures are INVALID_REQUEST, not INVALID_SPEC. */
export function requestHook(result: { success: boolean; error?: unknown; target: string }): undefined {
  if (!result.success) throw new ApiError('INVALID_REQUEST', `The request ${result.target} is not valid`, { issues: issuesOf(result.error as never) });
  return undefined;
}
