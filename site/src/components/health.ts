/**
 * Reads the edge's `/health` answer for the status badge. The shape is
 * `{ ok, version, fleet: { nodes, freeSlots } }`, but the badge must not break when a field is
 * missing or mistyped (an older edge, a proxy error page), so every field is optional here.
 */
export interface HealthSummary {
  state: 'checking' | 'up' | 'degraded' | 'unreachable';
  label: string;
  version?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export const UNREACHABLE: HealthSummary = { state: 'unreachable', label: 'API unreachable' };
export const CHECKING: HealthSummary = { state: 'checking', label: 'Checking API…' };

/** Turns a parsed JSON body into the badge text; anything that is not an object counts as unreachable. */
export function summarizeHealth(body: unknown): HealthSummary {
  if (!isRecord(body)) return UNREACHABLE;
  const state = body.ok === false ? 'degraded' : 'up';
  const parts = [state === 'up' ? 'API up' : 'API degraded'];
  const fleet = isRecord(body.fleet) ? body.fleet : {};
  const nodes = count(fleet.nodes);
  const freeSlots = count(fleet.freeSlots);
  if (nodes !== undefined) parts.push(plural(nodes, 'fleet node', 'fleet nodes'));
  if (freeSlots !== undefined) parts.push(plural(freeSlots, 'free slot', 'free slots'));
  const version = typeof body.version === 'string' && body.version !== '' ? body.version : undefined;
  return { state, label: parts.join(' · '), ...(version ? { version } : {}) };
}

/** One poll: any network error, timeout, non-2xx answer or non-JSON body means unreachable. */
export async function fetchHealth(url: string, timeoutMs: number): Promise<HealthSummary> {
  try {
    const res = await fetch(url, {
      headers: { accept: 'application/json' },
      cache: 'no-store',
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) return UNREACHABLE;
    return summarizeHealth(await res.json());
  } catch {
    return UNREACHABLE;
  }
}
