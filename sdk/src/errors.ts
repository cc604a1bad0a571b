/**
 * Typed errors: every failed call throws a TrawlError carrying the API's own error body (code, message, hint,
 * request id, docs link, details), so programs branch on `code`, never on message text.
 */
import type { ApiErrorBody } from '@trawl/client';

/** The API's error body (`{"error": {...}}`): the generated client's own type; codes are schemas/src/errors.ts. */
export type { ApiErrorBody };

export class TrawlError extends Error {
  override readonly name = 'TrawlError';
  /** HTTP status, or 0 when no answer came (network failure, aborted). */
  readonly status: number;
  readonly code: string;
  readonly hint: string | undefined;
  readonly requestId: string | undefined;
  readonly docs: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(status: number, body: ApiErrorBody) {
    super(body.message);
    this.status = status;
    this.code = body.code;
    this.hint = body.hint;
    this.requestId = body.requestId;
    this.docs = body.docs;
    this.details = body.details;
  }

  /** Each problem of an INVALID_SPEC / INVALID_REQUEST answer, as `path: message`. */
  get issues(): Array<{ path: string; message: string }> {
    const raw = this.details?.issues;
    return Array.isArray(raw) ? raw.filter((i): i is { path: string; message: string } => typeof i?.message === 'string') : [];
  }
}

/** By name, not class identity: an error may cross bundles or realms (a Worker, an iframe, two SDK copies). */
export function isTrawlError(e: unknown): e is TrawlError {
  return e instanceof Error && e.name === 'TrawlError' && typeof (e as { code?: unknown }).code === 'string';
}

/** Builds the error for an answer that was not OK, from its body if it is the API's error shape. */
export function errorFromAnswer(status: number, body: unknown): TrawlError {
  const inner = (body as { error?: Partial<ApiErrorBody> } | null)?.error;
  if (inner && typeof inner.code === 'string' && typeof inner.message === 'string') return new TrawlError(status, inner as ApiErrorBody);
  const text = typeof body === 'string' && body ? body.slice(0, 300) : `The API answered ${status}`;
  return new TrawlError(status, { code: `HTTP_${status}`, message: text });
}

export function networkError(cause: unknown): TrawlError {
  const err = new TrawlError(0, { code: 'NETWORK', message: cause instanceof Error ? cause.message : String(cause) });
  (err as { cause?: unknown }).cause = cause;
  return err;
}
