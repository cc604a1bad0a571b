/**
 * Trawl's typed API client: openapi-fetch over the types openapi-typescript generated from the edge's OpenAPI
 * document (src/schema.ts), so every path, parameter, body and answer is checked against the API itself.
 * The web app uses it with the session cookie (same origin) and the CSRF token; programs pass an API key.
 */
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema.ts';
import type { paths as inputPaths } from './input-schema.ts';

export type { components, paths };
/** The same routes read as requests are written: a body field with a default may be left out. */
export type { inputPaths };
export type TrawlClient = Client<paths>;

/** The body of every API error: a stable code, a message, a hint, the request id and where the docs are. */
export interface ApiErrorBody {
  code: string;
  message: string;
  hint?: string;
  requestId?: string;
  docs?: string;
  details?: { issues?: Array<{ path: string; message: string }> } & Record<string, unknown>;
}

export interface ClientOptions {
  /** Origin of the API; the web app leaves it empty (same origin). */
  baseUrl?: string;
  /** A secret or publishable API key, sent as `Authorization: Bearer`. */
  apiKey?: string;
  /** For cookie sessions: the CSRF token to echo in `x-csrf-token` on changes (read at each request, since it may rotate). */
  csrfToken?: () => string | null;
  fetch?: typeof fetch;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function createTrawlClient(opts: ClientOptions = {}): TrawlClient {
  const client = createClient<paths>({ baseUrl: opts.baseUrl ?? '', credentials: 'same-origin', ...(opts.fetch ? { fetch: opts.fetch } : {}) });
  const auth: Middleware = {
    onRequest({ request }) {
      if (opts.apiKey) request.headers.set('authorization', `Bearer ${opts.apiKey}`);
      const csrf = opts.csrfToken?.();
      if (csrf && !SAFE.has(request.method)) request.headers.set('x-csrf-token', csrf);
      return request;
    },
  };
  client.use(auth);
  return client;
}

/** Reads the CSRF token the edge sets in the readable `trawl_csrf` cookie at sign-in (browsers only). */
export function csrfFromCookie(cookie: string): string | null {
  const m = /(?:^|;\s*)trawl_csrf=([^;]+)/.exec(cookie);
  return m ? decodeURIComponent(m[1]!) : null;
}

/** Turns whatever a failed call gave into the API's error shape (network failures get code NETWORK). */
export function toApiError(error: unknown, status: number | null): ApiErrorBody {
  const body = (error as { error?: ApiErrorBody } | null)?.error;
  if (body && typeof body.code === 'string') return body;
  if (status === null) return { code: 'NETWORK', message: String((error as Error)?.message ?? error) };
  return { code: `HTTP_${status}`, message: typeof error === 'string' && error ? error.slice(0, 300) : `The API answered ${status}` };
}
