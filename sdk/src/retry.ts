/**
 * A fetch that retries 429 and 503 answers after the wait the server names in `Retry-After` (seconds or an HTTP
 * date), else with exponential backoff. Both statuses mean the request was refused before any work, so every
 * method is retried; the request is cloned per attempt because a body can be read once.
 */

export interface RetryOptions {
  /** Attempts after the first (default 3). */
  maxRetries?: number;
  /** No single wait is longer than this (default 60 s); a longer Retry-After gives up and returns the answer. */
  maxDelayMs?: number;
  /** Seen before each wait (the CLI prints it; tests count it). */
  onRetry?: (info: { status: number; attempt: number; delayMs: number; url: string }) => void;
}

const RETRYABLE = new Set([429, 503]);

/** Milliseconds to wait for a `Retry-After` value, or null when it is missing or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const s = value.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const at = Date.parse(s);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

const sleep = (ms: number, signal?: AbortSignal | null) => new Promise<void>((resolve, reject) => {
  if (signal?.aborted) return reject(signal.reason);
  const t = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(t); reject(signal.reason); }, { once: true });
});

export function retryingFetch(base: typeof fetch, opts: RetryOptions = {}): typeof fetch {
  const maxRetries = opts.maxRetries ?? 3;
  const maxDelayMs = opts.maxDelayMs ?? 60_000;
  return async (input, init) => {
    const request = new Request(input, init);
    for (let attempt = 0; ; attempt++) {
      const res = await base(request.clone());
      if (!RETRYABLE.has(res.status) || attempt >= maxRetries) return res;
      const delayMs = retryAfterMs(res.headers.get('retry-after')) ?? Math.min(maxDelayMs, 500 * 2 ** attempt);
      if (delayMs > maxDelayMs) return res;
      await res.body?.cancel();
      opts.onRetry?.({ status: res.status, attempt: attempt + 1, delayMs, url: request.url });
      await sleep(delayMs, request.signal);
    }
  };
}
