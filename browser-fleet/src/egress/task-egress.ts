import type { BrowserContext, ConsoleMessage, Page, Request } from 'playwright-core';
import { TrawlError, type BlockedRequest, type RunEventInput, type Task, type TaskProxies } from '@trawl/schemas';
import type { EgressLane, EgressProxy } from './proxy.ts';

type Emit = (type: RunEventInput['type'], message: string, data: Record<string, unknown>, level?: RunEventInput['level']) => void;

/** A run lists at most this many blocked requests per task, and reports this many as events. */
const MAX_LISTED = 200;
const MAX_EVENTS = 20;
/**
 * What Chromium logs when a page asks for file:, chrome:, view-source: or a top-level data: URL: it refuses them itself.
 * Full Chromium says "Not allowed to load local resource"; the headless shell refuses fetch() of file: by scheme.
 */
const REFUSED_RE = /^(?:Not allowed to (?:load local resource|navigate top frame to data URL): (\S+)|Fetch API cannot load (\S+?)\. URL scheme "[a-z-]+" is not supported)/;

/**
 * One task's side of the egress proxy: opens its lane, refuses a task URL the proxy would refuse
 * (before any browser work, with the proxy's reason), names the resource type of each blocked
 * request, and turns a blocked main-frame navigation (a redirect hop, meta refresh, location change)
 * into BLOCKED_BY_POLICY. The proxy knows only URLs (http) or host:port (CONNECT); the page knows
 * which of its requests were main-frame navigations; this joins the two.
 */
export class TaskEgress {
  readonly #blocked: BlockedRequest[] = [];
  readonly #types = new Map<string, string>();
  readonly #navigations = new Set<string>();
  #lane: EgressLane | null = null;
  #unwatch: () => void = () => undefined;
  /** A main-frame redirect to a non-http(s) URL (Chromium refuses it as ERR_UNSAFE_REDIRECT). */
  #unsafeRedirect: BlockedRequest | null = null;
  #closed = false;
  #dropped = 0;
  #requests = 0;
  /** Why no upstream proxy could carry a connection, the last time none could. */
  #proxyFailed: string | null = null;

  constructor(private readonly task: Task, private readonly emit: Emit) {}

  /** Opens (or binds a warm context's) lane and checks the task URL; returns the context's proxy option (none without a proxy: tests only). */
  async open(proxy: EgressProxy | undefined, warmLane?: EgressLane | null, upstreams?: TaskProxies): Promise<EgressLane['proxy'] | undefined> {
    const options = {
      policy: this.task.policy ?? { allowDomains: [], denyDomains: [] }, onBlocked: (b: BlockedRequest) => this.#record(b),
      ...(upstreams ? { upstreams: this.#upstreams(upstreams), onProxyFailed: (reason: string) => { this.#proxyFailed = reason; } } : {}),
    };
    // A lane opened ahead of time with a warm context gets this task's policy now; it refused everything until then.
    let lane: EgressLane;
    if (warmLane) {
      warmLane.bind(options);
      lane = warmLane;
    } else if (proxy) {
      lane = await proxy.open(options);
    } else {
      return undefined;
    }
    this.#lane = lane;
    // A task stopped while its lane was opening has already run close().
    if (this.#closed) await lane.close();
    const d = await lane.check(new URL(this.task.url));
    if (!d.ok) {
      this.#record({ url: this.task.url, host: d.host, reason: d.reason, resourceType: 'document', ...(d.address ? { address: d.address } : {}) });
      throw new TrawlError('BLOCKED_BY_POLICY', `blocked by policy: ${d.reason}`, { host: d.host, address: d.address });
    }
    return lane.proxy;
  }

  /** Learns each request's type and which ones navigate the main frame; records what Chromium refuses itself. */
  watch(context: BrowserContext, page: Page): void {
    // request.frame() throws for a navigation whose frame does not exist yet (a popup's first request, issue #9):
    // such a request is never the task page's main frame, and a throw here would end the node process.
    const isMainNavigation = (r: Request): boolean => {
      try {
        return r.isNavigationRequest() && r.frame() === page.mainFrame();
      } catch {
        return false;
      }
    };
    const onRequest = (r: Request): void => {
      this.#requests++;
      const key = keyOf(r.url());
      if (key === null) return;
      this.#types.set(key, r.resourceType());
      if (isMainNavigation(r)) this.#navigations.add(key);
    };
    // Chromium refuses a redirect to file:, data: and the like itself and reports only this error code.
    const onFailed = (r: Request): void => {
      if (r.failure()?.errorText !== 'net::ERR_UNSAFE_REDIRECT') return;
      const b = { url: r.url(), host: URL.canParse(r.url()) ? new URL(r.url()).hostname : '', reason: 'redirect to a URL that is not http(s) (refused by Chromium)', resourceType: r.resourceType() };
      this.#record(b);
      if (isMainNavigation(r)) this.#unsafeRedirect = b;
    };
    const onConsole = (m: ConsoleMessage): void => {
      const hit = m.type() === 'error' ? REFUSED_RE.exec(m.text()) : null;
      const url = hit ? hit[1] ?? hit[2] : undefined;
      if (url) this.#record({ url, host: URL.canParse(url) ? new URL(url).hostname : '', reason: `Chromium refuses ${url.split(':')[0] ?? ''}: URLs from web pages` });
    };
    context.on('request', onRequest);
    context.on('requestfailed', onFailed);
    page.on('console', onConsole);
    this.#unwatch = () => {
      context.off('request', onRequest);
      context.off('requestfailed', onFailed);
      page.off('console', onConsole);
    };
  }

  /** Requests the watched context made during this task (a kept page's bound, kept-pages.ts). */
  get requests(): number {
    return this.#requests;
  }

  /**
   * The context outlives the task (kept for the run's next task, kept-pages.ts): this task stops listening, and
   * its lane is unbound (refusing everything) and left open for the next task instead of closed by close().
   */
  handOver(): EgressLane | null {
    this.#unwatch();
    const lane = this.#lane;
    lane?.unbind();
    this.#lane = null;
    return lane;
  }

  /** The fast path's main-frame hop (it has no page to watch): a refusal of it is a refused navigation. */
  navigating(url: string): void {
    const key = keyOf(url);
    if (key !== null) {
      this.#navigations.add(key);
      this.#types.set(key, 'document');
    }
  }

  /** The failure for a main-frame navigation the proxy (or Chromium, for a redirect) refused, if there was one. */
  blockedNavigation(): TrawlError | null {
    const hit = this.#unsafeRedirect ?? this.#blocked.find((b) => this.#navigations.has(keyOf(b.url) ?? ''));
    return hit ? new TrawlError('BLOCKED_BY_POLICY', `navigation blocked by policy: ${hit.reason}`, { url: hit.url, host: hit.host, address: hit.address }) : null;
  }

  /** Throws BLOCKED_BY_POLICY when the proxy refused a main-frame navigation of this task. */
  check(): void {
    const blocked = this.blockedNavigation();
    if (blocked) throw blocked;
  }

  /** Wraps a navigation: a failure or answer that is really the proxy's refusal becomes BLOCKED_BY_POLICY. */
  async guard<T>(navigation: Promise<T>): Promise<T> {
    try {
      const value = await navigation;
      this.check();
      return value;
    } catch (e) {
      this.check();
      throw e;
    }
  }

  /** The upstream proxy that carried the task's last connection (its page), when the job uses some. */
  proxyId(): string | undefined {
    return this.#lane?.servedBy();
  }

  /** PROXY_FAILED when no upstream proxy could carry one of the task's connections: it explains a failed navigation. */
  proxyFailure(): TrawlError | null {
    return this.#proxyFailed ? new TrawlError('PROXY_FAILED', this.#proxyFailed) : null;
  }

  #upstreams(p: TaskProxies) {
    const { task, emit } = this;
    return {
      ...p, runId: task.runId, site: URL.canParse(task.url) ? new URL(task.url).hostname : '',
      onFailover: (failedId: string, reason: string, nextId: string | null) => emit('log', `upstream proxy ${failedId} failed: ${reason}; ${nextId ? `going on through ${nextId}` : 'no other proxy is left'}`,
        { proxyId: failedId, next: nextId, reason }, 'warn'),
    };
  }

  /** The result's `blocked` list, each with its resource type where the page reported one. */
  list(): BlockedRequest[] | undefined {
    if (this.#blocked.length === 0) return undefined;
    return this.#blocked.map((b) => {
      const type = b.resourceType ?? this.#types.get(keyOf(b.url) ?? '');
      return type ? { ...b, resourceType: type } : b;
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#dropped > 0) this.emit('log', `${this.#dropped} more blocked requests were not listed`, { dropped: this.#dropped }, 'warn');
    await this.#lane?.close();
  }

  #record(b: BlockedRequest): void {
    if (this.#blocked.length >= MAX_LISTED) {
      this.#dropped++;
      return;
    }
    this.#blocked.push(b);
    if (this.#blocked.length <= MAX_EVENTS) {
      this.emit('log', `blocked ${b.url}: ${b.reason}`, { blocked: b }, 'warn');
    }
  }
}

/**
 * How a URL shows up at the proxy: an http request as its URL without the fragment, anything
 * tunnelled (https, ws, wss) only as host:port. Proxy records of CONNECTs are https://host:port/.
 */
function keyOf(raw: string): string | null {
  if (!URL.canParse(raw)) return null;
  const u = new URL(raw);
  if (u.protocol === 'http:') {
    u.hash = '';
    return u.href;
  }
  const port = u.port || (u.protocol === 'https:' || u.protocol === 'wss:' ? '443' : '80');
  return `connect ${u.hostname}:${port}`;
}
