import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { BlockedRequest, EgressPolicy } from '@trawl/schemas';
import { NO_ALLOWANCE, type Allowance } from './allowance.ts';
import { decide, type Decision, type Resolver } from './check.ts';
import { systemResolver } from './resolver.ts';
import { forwardHeaders, rawRequestHead } from './headers.ts';
import { UpstreamHealth, UpstreamRoute, type LaneUpstreams, type Route } from './upstream-pool.ts';
import { authority, connectTo, UpstreamFailure } from './upstream.ts';

export interface EgressOptions {
  /** FLEET_EGRESS_ALLOW; empty in production. */
  allow?: Allowance;
  resolve?: Resolver;
  /** Called right before every outbound socket opens (tests assert none goes to a refused address). */
  onConnect?: (address: string, port: number) => void;
}

export interface LaneOptions {
  policy: EgressPolicy;
  onBlocked: (b: BlockedRequest) => void;
  /** The task's upstream proxies (ADR 0035): every checked connection goes through one of them. */
  upstreams?: LaneUpstreams;
  /** No upstream proxy could carry a connection (the request was answered 502). */
  onProxyFailed?: (reason: string) => void;
}

/** One task's way out: a proxy listener only that task's browser context uses. */
export interface EgressLane {
  /** For BrowserContext `proxy`: the listener, and no bypass at all (`<-loopback>` undoes Chromium's implicit one). */
  proxy: { server: string; bypass: string };
  /**
   * Gives a lane opened without a task (for a context made ahead of time, see warm-contexts.ts) its task's policy.
   * Until then it refuses every request. Binding twice throws: a lane never passes from one task to another.
   */
  bind(lane: LaneOptions): void;
  /**
   * Takes the task's policy away again (a context kept for the run's next task, kept-pages.ts): from now on every
   * new request is refused as in a warm lane, until the next task of the same run binds it.
   */
  unbind(): void;
  /** The same check the proxy makes, for a clear error on the task URL before the browser is involved. */
  check(url: URL): Promise<Decision>;
  /** The upstream proxy that carried the lane's last connection, if the task has upstreams. */
  servedBy(): string | undefined;
  close(): Promise<void>;
}

const CONNECT_MS = 10_000;

/**
 * The fleet's egress proxy. Each task gets its own listener on 127.0.0.1 (an ephemeral port), so
 * the port says whose request it is without proxy credentials: Playwright answers proxy auth by
 * pausing every request in CDP Fetch, which costs a round trip per request and disables the cache.
 * Pages cannot reach another task's listener: loopback is refused like any private address.
 */
export class EgressProxy {
  readonly allow: Allowance;
  readonly #resolve: Resolver;
  /** Upstream proxies that failed lately and each run's rotation, shared by the node's lanes. */
  readonly upstreamHealth = new UpstreamHealth();

  constructor(readonly opts: EgressOptions = {}) {
    this.allow = opts.allow ?? NO_ALLOWANCE;
    this.#resolve = opts.resolve ?? systemResolver;
  }

  /** Opens a lane; without options it refuses everything until `bind`. */
  async open(options?: LaneOptions): Promise<EgressLane> {
    let lane: LaneOptions | null = options ?? null;
    const rules = { policy: lane?.policy ?? { allowDomains: [], denyDomains: [] }, allow: this.allow, resolve: this.#resolve };
    const judge: Judge = async (target) => (lane
      ? decide(target, rules)
      : { ok: false, host: target.host.slice(0, 300), reason: 'this browser context is not assigned to a task yet' });
    const sockets = new Set<Duplex>();
    const track = (s: Duplex): void => {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
    };
    const refuse = (url: string, d: Extract<Decision, { ok: false }>): string => {
      lane?.onBlocked({ url: url.slice(0, 2000), host: d.host, reason: d.reason, ...(d.address ? { address: d.address } : {}) });
      return d.reason.replace(/[^\x20-\x7e]/g, '?');
    };
    let via: UpstreamRoute | null = null;
    const routeOf = (): UpstreamRoute | null => {
      if (!via && lane?.upstreams) via = new UpstreamRoute(lane.upstreams, this.upstreamHealth, { allow: this.allow, resolve: this.#resolve }, CONNECT_MS);
      return via;
    };
    // Only after the target passed the check: straight to its address, or through an upstream given that address.
    const open: Open = async (d, mode) => {
      this.opts.onConnect?.(d.address, d.port);
      const upstream = routeOf();
      let route: Route;
      try {
        route = upstream ? await upstream.open(d, mode) : { socket: await connectTo(d, CONNECT_MS), absolute: false };
      } catch (e) {
        if (e instanceof UpstreamFailure) lane?.onProxyFailed?.(e.message);
        throw e;
      }
      // As before upstreams: a connection idle this long is closed.
      route.socket.setTimeout(CONNECT_MS, () => route.socket.destroy());
      track(route.socket);
      return route;
    };

    const server: Server = createServer((req, res) => void this.#forward(req, res, judge, refuse, open));
    server.on('connection', track);
    server.on('connect', (req: IncomingMessage, client: Duplex, head: Buffer) => {
      track(client);
      // The check and an upstream's handshake take a while: a client gone meanwhile must not throw.
      client.on('error', () => client.destroy());
      void this.#tunnel(req.url ?? '', client, head, judge, refuse, open);
    });
    server.on('upgrade', (req: IncomingMessage, client: Duplex, head: Buffer) => {
      track(client);
      client.on('error', () => client.destroy());
      void this.#upgrade(req, client, head, judge, refuse, open);
    });
    server.on('clientError', (_e, s: Duplex) => s.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      proxy: { server: `http://127.0.0.1:${port}`, bypass: '<-loopback>' },
      check: (url) => judge({ host: url.hostname, port: portOf(url) }),
      servedBy: () => via?.servedBy,
      bind: (next) => {
        if (lane) throw new Error('this egress lane already belongs to a task');
        lane = next;
        rules.policy = next.policy;
      },
      unbind: () => {
        lane = null;
        via = null;
        rules.policy = { allowDomains: [], denyDomains: [] };
      },
      close: () => new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
    };
  }

  /** Absolute-form http requests: each one (every redirect hop included) is checked on its own. */
  async #forward(req: IncomingMessage, res: ServerResponse, judge: Judge, refuse: Refuse, open: Open): Promise<void> {
    const url = absoluteUrl(req.url);
    if (!url || url.protocol !== 'http:') return deny(res, 400, 'only absolute http:// requests and CONNECT are proxied');
    const d = await judge({ host: url.hostname, port: portOf(url) });
    if (!d.ok) return deny(res, 403, refuse(url.href, d));
    let route: Route;
    try {
      route = await open(d, 'forward');
    } catch (e) {
      return deny(res, 502, unreachable(e));
    }
    const headers = forwardHeaders(req.rawHeaders);
    if (route.auth) headers.push('Proxy-Authorization', route.auth);
    const path = `${url.pathname}${url.search}`;
    const upstream = httpRequest({
      method: req.method, path: route.absolute ? `http://${authority(d)}${path}` : path, headers,
      // No agent: createConnection is then used as is, so the socket goes to the checked address (or the upstream
      // proxy that was given it) and no pooled connection is shared between lanes.
      setHost: false, createConnection: () => route.socket,
    });
    upstream.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, forwardHeaders(answer.rawHeaders));
      answer.pipe(res);
    });
    upstream.on('error', () => (res.headersSent ? res.destroy() : deny(res, 502, 'the site could not be reached')));
    req.pipe(upstream);
  }

  /** CONNECT (https, and ws/wss: Chromium tunnels WebSockets too): a byte pipe to the checked address. */
  async #tunnel(authority: string, client: Duplex, head: Buffer, judge: Judge, refuse: Refuse, open: Open): Promise<void> {
    // host:port, read by hand: URL parsing would drop a default port (CONNECT 10.0.0.1:80 for ws://) as "".
    const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]/@\s]+):(\d{1,5})$/.exec(authority);
    if (!m?.[1] || !m[2]) return denyRaw(client, 400, 'CONNECT needs host:port');
    const d = await judge({ host: m[1].replace(/^\[(.*)\]$/, '$1'), port: Number(m[2]) });
    if (!d.ok) return denyRaw(client, 403, refuse(`https://${m[1]}:${m[2]}/`, d));
    let upstream: Socket;
    try {
      upstream = (await open(d, 'tunnel')).socket;
    } catch (e) {
      return denyRaw(client, 502, unreachable(e));
    }
    if (client.destroyed) return void upstream.destroy();
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length) upstream.write(head);
    upstream.pipe(client).pipe(upstream);
    upstream.once('error', () => client.destroy());
    client.once('error', () => upstream.destroy());
  }

  /** A WebSocket handshake sent in absolute form (not what Chromium does, but a proxy must not pass it unchecked). */
  async #upgrade(req: IncomingMessage, client: Duplex, head: Buffer, judge: Judge, refuse: Refuse, open: Open): Promise<void> {
    const url = absoluteUrl(req.url);
    if (!url || url.protocol !== 'http:') return denyRaw(client, 400, 'only absolute http:// upgrades are proxied');
    const d = await judge({ host: url.hostname, port: portOf(url) });
    if (!d.ok) return denyRaw(client, 403, refuse(url.href.replace(/^http:/, 'ws:'), d));
    let upstream: Socket;
    try {
      upstream = (await open(d, 'tunnel')).socket;
    } catch {
      return void client.destroy();
    }
    upstream.write(rawRequestHead(req, `${url.pathname}${url.search}`));
    if (head.length) upstream.write(head);
    upstream.pipe(client).pipe(upstream);
    upstream.once('error', () => client.destroy());
    client.once('error', () => upstream.destroy());
  }
}

type Judge = (target: Parameters<typeof decide>[0]) => Promise<Decision>;
type Refuse = (url: string, d: Extract<Decision, { ok: false }>) => string;
type Open = (d: Extract<Decision, { ok: true }>, mode: 'tunnel' | 'forward') => Promise<Route>;

/** Why a checked connection could not be opened: an upstream proxy's reason (ids only), else the site's. */
function unreachable(e: unknown): string {
  return e instanceof UpstreamFailure ? `no upstream proxy could carry the request (${e.message})`.replace(/[^\x20-\x7e]/g, '?').slice(0, 300) : 'the site could not be reached';
}

function absoluteUrl(raw: string | undefined): URL | null {
  return raw && URL.canParse(raw) && /^[a-z]+:\/\//i.test(raw) ? new URL(raw) : null;
}

function portOf(url: URL): number {
  return url.port ? Number(url.port) : url.protocol === 'https:' || url.protocol === 'wss:' ? 443 : 80;
}

function deny(res: ServerResponse, status: number, reason: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-trawl-egress': 'blocked', 'x-trawl-egress-reason': reason, connection: 'close' });
  res.end(`Blocked by Trawl's egress policy: ${reason}\n`);
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 502: 'Bad Gateway' };

function denyRaw(client: Duplex, status: number, reason: string): void {
  if (client.destroyed) return;
  const body = `Blocked by Trawl's egress policy: ${reason}\n`;
  client.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nx-trawl-egress: blocked\r\nx-trawl-egress-reason: ${reason}\r\n`
    + `content-type: text/plain\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
}
