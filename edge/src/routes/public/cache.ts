import type { Context } from 'hono';
import { sha256Hex } from '@trawl/schemas';

/**
 * Answers a public read with Cache-Control and a strong ETag of its bytes; a matching If-None-Match gets 304
 * without the body. The bodies hold no clock-dependent field, so the tag changes only when the status does.
 */
export async function cachedAnswer(c: Context, body: string, contentType: string, cacheControl: string): Promise<Response> {
  const etag = `"${(await sha256Hex(body)).slice(0, 32)}"`;
  const headers: Record<string, string> = { 'cache-control': cacheControl, etag, 'content-type': contentType };
  const sent = c.req.header('if-none-match') ?? '';
  if (sent.split(',').map((s) => s.trim().replace(/^W\//, '')).includes(etag)) return c.body(null, 304, headers);
  return c.body(body, 200, headers);
}
