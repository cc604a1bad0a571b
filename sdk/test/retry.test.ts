import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { retryAfterMs, retryingFetch } from '../src/retry.ts';
import { jsonLines } from '../src/lines.ts';

/** A local server that answers each request with the next of `answers` and records the bodies it was sent. */
async function serve(answers: Array<{ status: number; headers?: Record<string, string> }>) {
  const bodies: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c; });
    req.on('end', () => {
      bodies.push(body);
      const a = answers.shift() ?? { status: 200 };
      res.writeHead(a.status, a.headers).end(String(a.status));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, bodies, close: () => new Promise((r) => server.close(r)) };
}

let close: (() => Promise<unknown>) | null = null;
afterEach(async () => { await close?.(); close = null; });

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates, and nothing else', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('0.5')).toBe(500);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(retryAfterMs(null)).toBe(null);
    expect(retryAfterMs('soon')).toBe(null);
  });
});

describe('retryingFetch', () => {
  it('waits the Retry-After of a 429, then sends the same body again', async () => {
    const s = await serve([{ status: 429, headers: { 'retry-after': '1' } }, { status: 200 }]);
    close = s.close;
    const seen: number[] = [];
    const t0 = Date.now();
    const res = await retryingFetch(fetch, { onRetry: (r) => seen.push(r.delayMs) })(s.url, { method: 'POST', body: '{"a":1}' });
    expect(res.status).toBe(200);
    expect(seen).toEqual([1000]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    expect(s.bodies).toEqual(['{"a":1}', '{"a":1}']);
  });

  it('backs off on a 503 without Retry-After, stops after maxRetries, and gives up on a wait longer than maxDelayMs', async () => {
    const s = await serve([{ status: 503 }, { status: 503 }, { status: 429, headers: { 'retry-after': '120' } }]);
    close = s.close;
    const seen: number[] = [];
    const f = retryingFetch(fetch, { maxRetries: 1, onRetry: (r) => seen.push(r.delayMs) });
    expect((await f(s.url)).status).toBe(503);
    expect(seen).toEqual([500]);
    expect((await f(s.url)).status).toBe(429);
    expect(seen).toEqual([500]);
    expect(s.bodies).toHaveLength(3);
  });

  it('never retries other statuses', async () => {
    const s = await serve([{ status: 500 }]);
    close = s.close;
    expect((await retryingFetch(fetch)(s.url)).status).toBe(500);
    expect(s.bodies).toHaveLength(1);
  });
});

describe('jsonLines', () => {
  it('splits lines arriving one byte at a time, multi-byte characters included', async () => {
    const bytes = new TextEncoder().encode('{"a":"é"}\n\n{"b":2}\n{"c":3}');
    const stream = new ReadableStream<Uint8Array>({ start(c) { for (let i = 0; i < bytes.length; i++) c.enqueue(bytes.slice(i, i + 1)); c.close(); } });
    const got: string[] = [];
    for await (const l of jsonLines(stream)) got.push(l);
    expect(got).toEqual(['{"a":"é"}', '{"b":2}', '{"c":3}']);
  });
});
