/**
 * The app's one way to the API: @trawl/client (typed from the OpenAPI document) with the session cookie and the
 * CSRF token. `call` turns any failure into an ApiFailure carrying the API's code, message and hint; a 401 sends the
 * person to sign in and back.
 */
import { createTrawlClient, csrfFromCookie, toApiError, type ApiErrorBody, type paths } from '@trawl/client';

export const api = createTrawlClient({ csrfToken: () => csrfFromCookie(document.cookie) });

export class ApiFailure extends Error {
  constructor(readonly body: ApiErrorBody, readonly status: number | null) {
    super(`${body.code}: ${body.message}`);
  }
}

export function signInUrl(): string {
  return `/auth/login?return_to=${encodeURIComponent(location.pathname + location.search)}`;
}

interface Answer<T> { data?: T; error?: unknown; response: Response }

export async function call<T>(request: Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await request;
  } catch (err) {
    throw new ApiFailure(toApiError(err, null), null);
  }
  if (!answer.response.ok) {
    if (answer.response.status === 401) location.assign(signInUrl());
    throw new ApiFailure(toApiError(answer.error, answer.response.status), answer.response.status);
  }
  return answer.data as T;
}

/** Same-origin fetch with the CSRF header, for routes outside /v1 (sign-out, organization switch). */
export async function postSession(path: string, body?: unknown): Promise<void> {
  const res = await fetch(path, {
    method: 'POST', credentials: 'same-origin',
    headers: { 'x-csrf-token': csrfFromCookie(document.cookie) ?? '', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new ApiFailure(toApiError(await res.json().catch(() => null), res.status), res.status);
}

type Json200<T> = T extends { responses: { 200: { content: { 'application/json': infer B } } } } ? B
  : T extends { responses: { 201: { content: { 'application/json': infer B } } } } ? B : never;
/** The JSON an operation answers with, from the generated types. */
export type ApiData<P extends keyof paths, M extends keyof paths[P]> = Json200<paths[P][M]>;

export type Run = ApiData<'/v1/runs/{id}', 'get'>;
export type Job = ApiData<'/v1/jobs/{id}', 'get'>;
export type Me = ApiData<'/v1/me', 'get'>;
