/**
 * W3C trace context for a run: the run id is the trace id (so a run's logs and spans join on it) and each task
 * is a span under it. Ids are derived, not random, so the edge and the fleet agree without passing extra state.
 */
const hexOf = (s: string, n: number): string => [...s].map((c) => c.charCodeAt(0).toString(16)).join('').padEnd(n, '0').slice(-n);

export const traceIdOf = (runId: string): string => hexOf(runId, 32);
export const spanIdOf = (taskId: string): string => hexOf(taskId, 16);
export const traceparentOf = (runId: string, taskId: string): string => `00-${traceIdOf(runId)}-${spanIdOf(taskId)}-01`;

export interface TraceContext { traceId: string; parentSpanId: string; sampled: boolean }

/** Parses `00-<32 hex>-<16 hex>-<2 hex>`; null for anything else (an all-zero id is invalid by the spec). */
export function parseTraceparent(header: string | null | undefined): TraceContext | null {
  const m = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(header?.trim() ?? '');
  if (!m || /^0+$/.test(m[1]!) || /^0+$/.test(m[2]!)) return null;
  return { traceId: m[1]!, parentSpanId: m[2]!, sampled: (Number.parseInt(m[3]!, 16) & 1) === 1 };
}
