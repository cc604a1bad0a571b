import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import type { Socket } from 'node:net';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

export interface FetchedPage {
  status: number;
  headers: Record<string, string>;
  finalUrl: string;
  html: string;
  /** The proxy refused a hop (x-trawl-egress: blocked): the task's egress records say why. */
  refused: boolean;
}

export interface FetchOptions {
  /** The task's egress lane listener (http://127.0.0.1:PORT): every request, every redirect hop goes through it. */
  proxy: string;
  userAgent: string;
  timeoutMs: number;
  signal: AbortSignal;
  /** Told of each main-frame hop before it is requested (TaskEgress: a refused hop is a refused navigation). */
  onHop: (url: string) => void;
}

const MAX_HOPS = 10;
const MAX_BYTES = 10 * 1024 * 1024;
/** Near what Chromium sends for a top-level navigation, so a site answers the fast path as it answers the browser. */
const ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/**
 * GET a page the way the browser would reach it: through the task's egress lane (absolute-form for http, CONNECT
 * then TLS for https), never a socket of its own, so the same checks, upstream proxies and blocked-request records
 * apply. Follows redirects itself, each hop through the lane again.
 */
export async function fetchPage(url: string, o: FetchOptions): Promise<FetchedPage> {
  let current = url;
  for (let hop = 0; hop <= MAX_HOPS; hop++) {
    o.onHop(current);
    const res = await requestOnce(new URL(current), o);
    const refused = res.headers['x-trawl-egress'] === 'blocked';
    const location = res.headers.location;
    if (!refused && res.status >= 300 && res.status < 400 && location) {
      res.resume();
      current = new URL(location, current).href;
      if (!/^https?:$/.test(new URL(current).protocol)) throw new Error(`redirect to a URL that is not http(s): ${current}`);
      continue;
    }
    const body = await readBody(res, o.signal);
    return { status: res.status, headers: res.headers, finalUrl: current, html: decode(body, res.headers['content-type']), refused };
  }
  throw new Error(`more than ${MAX_HOPS} redirects`);
}

type Answer = IncomingMessage & { status: number; headers: Record<string, string> };

function requestOnce(target: URL, o: FetchOptions): Promise<Answer> {
  const proxy = new URL(o.proxy);
  const headers = { 'user-agent': o.userAgent, accept: ACCEPT, 'accept-language': 'en-US,en;q=0.9', 'accept-encoding': 'gzip, deflate, br' };
  return new Promise<Answer>((resolve, reject) => {
    const done = (res: IncomingMessage): void => {
      const flat: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
      resolve(Object.assign(res, { status: res.statusCode ?? 0, headers: flat }));
    };
    const common = { timeout: o.timeoutMs, signal: o.signal };
    if (target.protocol === 'http:') {
      const req = httpRequest({ ...common, host: proxy.hostname, port: proxy.port, path: target.href, headers: { ...headers, host: target.host } }, done);
      req.on('error', reject).on('timeout', () => req.destroy(new Error('the page did not answer in time'))).end();
      return;
    }
    const port = target.port || '443';
    const connect = httpRequest({ ...common, host: proxy.hostname, port: proxy.port, method: 'CONNECT', path: `${target.hostname}:${port}` });
    connect.on('connect', (answer: IncomingMessage, socket: Socket) => {
      if (answer.statusCode !== 200) {
        socket.destroy();
        // The lane refused (403) or could not reach (502) the site: answered like its http refusal.
        return done(Object.assign(answer, { headers: { ...answer.headers, 'x-trawl-egress': answer.statusCode === 403 ? 'blocked' : '' } }));
      }
      const req = httpsRequest({ ...common, host: target.hostname, port, path: `${target.pathname}${target.search}`, headers,
        createConnection: () => tlsConnect({ socket, servername: target.hostname }) }, done);
      req.on('error', reject).end();
    });
    connect.on('error', reject).on('timeout', () => connect.destroy(new Error('the page did not answer in time'))).end();
  });
}

async function readBody(res: IncomingMessage, signal: AbortSignal): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    if (signal.aborted) throw new Error('stopped');
    size += (chunk as Buffer).length;
    if (size > MAX_BYTES) throw new Error(`the page is larger than ${MAX_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const raw = Buffer.concat(chunks);
  const enc = (res.headers['content-encoding'] ?? '').toString().trim().toLowerCase();
  if (enc === 'gzip' || enc === 'x-gzip') return gunzipSync(raw, { maxOutputLength: MAX_BYTES });
  if (enc === 'deflate') return inflateSync(raw, { maxOutputLength: MAX_BYTES });
  if (enc === 'br') return brotliDecompressSync(raw, { maxOutputLength: MAX_BYTES });
  return raw;
}

/** The charset from the header, else a <meta> near the top, else UTF-8 (as a browser would guess for most pages). */
function decode(body: Buffer, contentType: string | undefined): string {
  const declared = /charset=["']?([\w-]+)/i.exec(contentType ?? '')?.[1]
    ?? /<meta[^>]+charset=["']?([\w-]+)/i.exec(body.subarray(0, 2048).toString('latin1'))?.[1];
  try {
    return new TextDecoder(declared ?? 'utf-8').decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}
