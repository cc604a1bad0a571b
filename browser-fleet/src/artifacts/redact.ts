import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import type { Secrets } from '../secrets.ts';

/** Headers that carry a session or a credential: never kept in a HAR or a trace, whoever set them. */
const SENSITIVE_HEADERS: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

/** Drops sensitive headers and cookie lists anywhere in a HAR-shaped value (HAR entries, trace network events). */
export function stripSessions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripSessions);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === 'cookies' && Array.isArray(v)) out[k] = [];
    else if (k === 'headers' && Array.isArray(v)) out[k] = v.filter((h) => !SENSITIVE_HEADERS.has(String((h as { name?: unknown }).name).toLowerCase())).map(stripSessions);
    else out[k] = stripSessions(v);
  }
  return out;
}

/** A time span (epoch ms) in which a login ran; the HAR keeps no request that started in one. */
export type Window = { from: number; to: number };

export function redactHar(har: Uint8Array, secrets: Secrets, logins: readonly Window[]): Uint8Array {
  const doc = JSON.parse(strFromU8(har)) as { log?: { entries?: Array<{ startedDateTime?: string }> } };
  const entries = doc.log?.entries ?? [];
  const kept = entries.filter((e) => {
    const at = Date.parse(e.startedDateTime ?? '');
    return !logins.some((w) => at >= w.from && at <= w.to);
  });
  if (doc.log) doc.log.entries = kept;
  return strToU8(secrets.mask(JSON.stringify(stripSessions(doc))));
}

/** Playwright's trace: JSON-lines files whose network events are HAR entries, plus resource blobs (bodies, snapshots). */
export function redactTrace(zip: Uint8Array, secrets: Secrets): Uint8Array {
  const files = unzipSync(zip);
  const out: Zippable = {};
  for (const [name, bytes] of Object.entries(files)) {
    let data = bytes;
    if (/\.(trace|network)$/.test(name)) {
      // Only lines that can hold a header or a cookie list are parsed: DOM snapshot lines are most of a trace.
      const lines = strFromU8(bytes).split('\n').map((l) => (/"(headers|cookies)"/.test(l) ? JSON.stringify(stripSessions(JSON.parse(l))) : l));
      data = strToU8(lines.join('\n'));
    }
    // Resources are masked as text too: a body or DOM snapshot with a typed value is UTF-8 wherever it matters.
    out[name] = secrets.empty ? data : secrets.maskBytes(data);
  }
  return zipSync(out, { level: 6 });
}
