import { ERRORS, type ErrorCode, type ErrorBody, type ErrorIssue } from '@trawl/schemas';

/** An error the API returns as-is: its code decides the status; the hint comes from the code's table entry. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const isApiError = (e: unknown): e is ApiError =>
  typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'ApiError';

export const notFound = (what: string, id: string) => new ApiError('NOT_FOUND', `${what} ${id} was not found`);

export const invalid = (code: 'INVALID_SPEC' | 'INVALID_REQUEST' | 'INVALID_SCHEDULE', message: string, issues: ErrorIssue[]) =>
  new ApiError(code, message, { issues });

export function errorBody(code: ErrorCode, message: string, requestId: string, details?: Record<string, unknown>): ErrorBody {
  return {
    error: {
      code,
      message,
      hint: ERRORS[code].hint,
      requestId,
      docs: `/v1/docs#error-${code.toLowerCase()}`,
      ...(details ? { details } : {}),
    },
  };
}

export function errorResponse(code: ErrorCode, message: string, requestId: string, details?: Record<string, unknown>, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify(errorBody(code, message, requestId, details)), {
    status: ERRORS[code].status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId, ...headers },
  });
}
