/**
 * @trawl/sdk: Trawl's public TypeScript SDK over the generated, typed API client (@trawl/client).
 * Only the platform's fetch and WebSocket are used, so it runs in Node, Deno, browsers and Workers.
 */
import { createTrawlClient, type TrawlClient } from '@trawl/client';
import type { EventSource } from './events.ts';
import type { SocketAuth } from './socket.ts';
import { retryingFetch, type RetryOptions } from './retry.ts';
import { Jobs } from './resources/jobs.ts';
import { Runs } from './resources/runs.ts';
import { Keys, Logins, PolicyApi } from './resources/account.ts';
import { unwrap } from './call.ts';

export { TrawlError, isTrawlError, type ApiErrorBody } from './errors.ts';
export { retryAfterMs, type RetryOptions } from './retry.ts';
export type { RunEvent, RunEventLevel, EventStreamOptions } from './events.ts';
export { runEnded } from './resources/runs.ts';
export type * from './types.ts';

/** The page's origin in a browser; '' elsewhere (Deno throws on reading `location` when it was not given one). */
function pageOrigin(): string {
  try { return globalThis.location?.origin ?? ''; } catch { return ''; }
}

export interface TrawlOptions {
  /** The API's origin, e.g. `https://trawl.example` (empty: same origin, in a browser with a session cookie). */
  baseUrl?: string;
  /** A secret API key, sent as `Authorization: Bearer`. */
  apiKey?: string;
  /** Retries of 429 and 503 answers (after `Retry-After`). */
  retry?: RetryOptions;
  /** Another fetch (tests, proxies); the global one by default. */
  fetch?: typeof fetch;
}

export class Trawl {
  /** The low-level typed client, for routes the resources below do not wrap. */
  readonly api: TrawlClient;
  readonly jobs: Jobs;
  readonly runs: Runs;
  readonly keys: Keys;
  readonly logins: Logins;
  readonly policy: PolicyApi;

  constructor(readonly options: TrawlOptions = {}) {
    const baseFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    const fetchFn = retryingFetch(baseFetch, options.retry);
    const baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
    this.api = createTrawlClient({ baseUrl, ...(options.apiKey ? { apiKey: options.apiKey } : {}), fetch: fetchFn });
    const events: EventSource = {
      url: (path) => `${baseUrl || pageOrigin()}${path}`,
      auth: (): SocketAuth => (options.apiKey
        ? { headers: { authorization: `Bearer ${options.apiKey}` }, protocols: ['trawl.v1', `trawl.key.${options.apiKey}`] }
        : { headers: {}, protocols: [] }),
      fetch: fetchFn,
      checkRun: (id) => this.runs.get(id),
    };
    this.jobs = new Jobs(this.api);
    this.runs = new Runs(this.api, events);
    this.keys = new Keys(this.api);
    this.logins = new Logins(this.api);
    this.policy = new PolicyApi(this.api);
  }

  /** Who is asking: organization, role, permissions. */
  me() {
    return unwrap(this.api.GET('/v1/me', {}));
  }
}
