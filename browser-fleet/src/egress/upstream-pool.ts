import type { Socket } from 'node:net';
import type { TaskProxies, TaskUpstream } from '@trawl/schemas';
import { decide, type EgressRules } from './check.ts';
import { basicAuth, connectTo, tunnelVia, UpstreamFailure, type Hop } from './upstream.ts';

/** A lane's upstream proxies: the task's pool, how to pick, and what to tell the task (ids and reasons only). */
export interface LaneUpstreams extends TaskProxies {
  /** Rotation is counted per run. */
  runId: string;
  /** The task's site (host), for sticky-per-site. */
  site: string;
  onFailover?: (failedId: string, reason: string, nextId: string | null) => void;
}

/** How a checked request leaves: a socket, and for an http request through an HTTP upstream, the absolute form and auth. */
export interface Route { socket: Socket; absolute: boolean; auth?: string | undefined }

const BAD_MS = 60_000;
const MAX_RUNS = 1000;

/**
 * The node's memory of upstream proxies: which failed lately (skipped for a minute, on every lane of the node),
 * and each run's rotation counter. Per-task rotation starts each new task at the next proxy of the pool;
 * sticky-per-site starts every task of a site at the same one (a hash of the site, so every node agrees).
 * Either way the healthy proxies come first, then those that failed lately, as a last resort.
 */
export class UpstreamHealth {
  readonly #badUntil = new Map<string, number>();
  readonly #turns = new Map<string, number>();

  constructor(private readonly badMs = BAD_MS) {}

  order(u: LaneUpstreams, now = Date.now()): TaskUpstream[] {
    const n = u.upstreams.length;
    if (n === 0) return [];
    let start: number;
    if (u.rotate === 'sticky-per-site') start = hash(u.site) % n;
    else {
      start = this.#turns.get(u.runId) ?? 0;
      this.#turns.delete(u.runId);
      this.#turns.set(u.runId, start + 1);
      if (this.#turns.size > MAX_RUNS) this.#turns.delete(this.#turns.keys().next().value ?? '');
    }
    const rotated = [...u.upstreams.slice(start % n), ...u.upstreams.slice(0, start % n)];
    const bad = (p: TaskUpstream): boolean => (this.#badUntil.get(p.id) ?? 0) > now;
    return [...rotated.filter((p) => !bad(p)), ...rotated.filter(bad)];
  }

  markBad(id: string, now = Date.now()): void {
    this.#badUntil.set(id, now + this.badMs);
  }

  markGood(id: string): void {
    this.#badUntil.delete(id);
  }
}

/** FNV-1a: a stable small hash of a site name. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * One lane's way through its upstreams. Each upstream's own address is checked by the same rules as any target
 * (with no domain policy: that is the organization's rule for sites), so an upstream on a private address is
 * refused unless the node's allowance lists it. A proxy that fails is marked bad and the next one is tried for
 * the same connection, so the page goes on; `servedBy` is the one that carried the last connection.
 */
export class UpstreamRoute {
  readonly #order: TaskUpstream[];
  readonly #hops = new Map<string, Hop>();
  #index = 0;
  servedBy: string | undefined;

  constructor(private readonly u: LaneUpstreams, private readonly health: UpstreamHealth, private readonly rules: Omit<EgressRules, 'policy'>, private readonly timeoutMs: number) {
    this.#order = health.order(u);
  }

  async open(target: Hop, mode: 'tunnel' | 'forward'): Promise<Route> {
    for (; this.#index < this.#order.length; this.#index++) {
      const up = this.#order[this.#index]!;
      try {
        const hop = await this.#hop(up);
        // An http request through an HTTP upstream goes in absolute form (the proxy's own log shows the page);
        // anything else through a tunnel. Either way the upstream is given the checked address only.
        const route: Route = up.scheme === 'http' && mode === 'forward'
          ? { socket: await connectTo(hop, this.timeoutMs).catch((e: unknown) => { throw new UpstreamFailure(`proxy ${up.id} could not be reached: ${String(e instanceof Error ? e.message : e)}`); }), absolute: true, auth: basicAuth(up) }
          : { socket: await tunnelVia(up, hop, target, this.timeoutMs), absolute: false };
        this.servedBy = up.id;
        return route;
      } catch (e) {
        if (!(e instanceof UpstreamFailure)) throw e;
        this.health.markBad(up.id);
        this.u.onFailover?.(up.id, e.message, this.#order[this.#index + 1]?.id ?? null);
      }
    }
    throw new UpstreamFailure('none of the job\'s upstream proxies could be used');
  }

  async #hop(up: TaskUpstream): Promise<Hop> {
    const known = this.#hops.get(up.id);
    if (known) return known;
    const d = await decide({ host: up.host, port: up.port }, { ...this.rules, policy: { allowDomains: [], denyDomains: [] } });
    if (!d.ok) throw new UpstreamFailure(`proxy ${up.id} is refused: ${d.reason}`);
    const hop = { address: d.address, port: d.port };
    this.#hops.set(up.id, hop);
    return hop;
  }
}
