import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { SessionOpen, SessionOpened } from '@trawl/schemas';
import { launchChromium, type ChromiumProcess } from '../chromium-process.ts';
import type { SandboxPlan } from '../chromium-user.ts';
import type { EgressLane, EgressProxy } from '../egress/proxy.ts';
import type { Limiter } from '../limiter.ts';
import { messageOf, type Logger } from '../log.ts';
import { filterClientMessage } from './cdp-filter.ts';
import { startView } from './view-session.ts';

export interface BrowserSessionsDeps {
  chromiumPath: string;
  sandbox?: SandboxPlan | undefined;
  egress: EgressProxy;
  limiter: Limiter;
  log: Logger;
  nodeId: string;
  /** Told when a session's slot frees (the node then sends a heartbeat). */
  onSlotFreed?: () => void;
}

/** How long the edge has to open the session's WebSocket after asking for the session. */
const ATTACH_MS = 30_000;
/** The node ends a session this long after the edge's deadline if the edge never did. */
const DEADLINE_GRACE_MS = 2000;
const MAX_MESSAGE = 64 * 1024 * 1024;
const SESSION_PATH = /^\/v1\/sessions\/([A-Za-z0-9_-]{1,64})\/(cdp|view)$/;

interface Held {
  id: string;
  orgId: string;
  /** Which socket the session opens: raw CDP for programs, or the app's view protocol (ADR 0043); never the other. */
  mode: 'cdp' | 'view';
  secretHash: Buffer;
  proc: ChromiumProcess;
  lane: EgressLane;
  attached: boolean;
  timers: NodeJS.Timeout[];
  sockets: WebSocket[];
  ending: Promise<void> | null;
}

const hashOf = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * Interactive browsers for programs (§4, ADR 0039). Each session gets a Chromium of its own whose every context
 * leaves through the session's egress lane (`--proxy-server`), takes one of the node's slots, and is reached once,
 * with a one-time secret, over a filtered CDP WebSocket that the edge's BrowserSession Durable Object proxies.
 */
export class BrowserSessions {
  readonly #held = new Map<string, Held>();
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });

  constructor(private readonly deps: BrowserSessionsDeps) {}

  get count(): number {
    return this.#held.size;
  }

  /** The loopback CDP ports of session browsers: pages never reach them, whatever the allowance says. */
  debugPorts(): number[] {
    return [...this.#held.values()].map((h) => Number(new URL(h.proc.wsEndpoint).port));
  }

  /** Starts a session's browser in a lane under its organization's policy; null when no slot is free. */
  async open(req: SessionOpen): Promise<SessionOpened | null> {
    if (this.#held.has(req.sessionId)) throw new Error('session already open on this node');
    if (!this.deps.limiter.tryAcquire()) return null;
    let lane: EgressLane | null = null;
    try {
      lane = await this.deps.egress.open({ policy: req.policy, onBlocked: (b) => this.deps.log.info('session request blocked', { sessionId: req.sessionId, url: b.url, reason: b.reason }) });
      // Every context of this browser, the default one and any the program makes, uses the lane (the filter refuses a context's own proxy).
      const proc = await launchChromium(this.deps.chromiumPath, this.deps.sandbox, 15_000, [`--proxy-server=${lane.proxy.server}`]);
      const secret = randomBytes(32).toString('base64url');
      const held: Held = { id: req.sessionId, orgId: req.orgId, mode: req.mode, secretHash: hashOf(secret), proc, lane, attached: false, timers: [], sockets: [], ending: null };
      this.#held.set(req.sessionId, held);
      held.timers.push(setTimeout(() => void this.end(held.id, 'the edge never attached'), ATTACH_MS));
      held.timers.push(setTimeout(() => void this.end(held.id, 'deadline'), Math.max(0, req.deadline - Date.now()) + DEADLINE_GRACE_MS));
      this.deps.log.info('browser session opened', { sessionId: req.sessionId, orgId: req.orgId, pid: proc.pid });
      return { sessionId: req.sessionId, nodeId: this.deps.nodeId, secret };
    } catch (e) {
      await lane?.close();
      this.#release();
      throw e;
    }
  }

  /** Handles the node server's upgrade for a session's CDP path; false when the path is not one. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const [, id, mode] = SESSION_PATH.exec(new URL(req.url ?? '/', 'http://node').pathname) ?? [];
    if (!id) return false;
    const held = this.#held.get(id);
    const presented = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '';
    // One attach per session: the secret is spent by its first use.
    if (!held || held.mode !== mode || held.attached || held.ending || !timingSafeEqual(hashOf(presented), held.secretHash)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return true;
    }
    held.attached = true;
    clearTimeout(held.timers.shift());
    if (held.mode === 'view') this.#attachView(held, req, socket, head);
    else void this.#attach(held, req, socket, head);
    return true;
  }

  #attachView(held: Held, req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.#wss.handleUpgrade(req, socket, head, (client) => {
      held.sockets.push(client);
      client.once('close', () => void this.end(held.id, 'viewer closed'));
      startView(held.proc.wsEndpoint, client, this.deps.log.child({ sessionId: held.id })).catch((e: unknown) => {
        this.deps.log.error('view session failed to start', { sessionId: held.id, error: messageOf(e) });
        void this.end(held.id, 'view failed');
      });
    });
  }

  async #attach(held: Held, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const browser = new WebSocket(held.proc.wsEndpoint, { maxPayload: MAX_MESSAGE, perMessageDeflate: false });
    held.sockets.push(browser);
    try {
      await new Promise<void>((resolve, reject) => browser.once('open', resolve).once('error', reject));
    } catch (e) {
      this.deps.log.error('session browser unreachable', { sessionId: held.id, error: messageOf(e) });
      socket.destroy();
      return void this.end(held.id, 'browser unreachable');
    }
    this.#wss.handleUpgrade(req, socket, head, (client) => {
      held.sockets.push(client);
      client.on('message', (data: Buffer) => {
        const d = filterClientMessage(data.toString('utf8'));
        if (d.kind === 'pass') return browser.send(d.message);
        this.deps.log.warn('session CDP call refused', { sessionId: held.id, orgId: held.orgId, reason: d.reason });
        if (d.reply) client.send(d.reply);
      });
      browser.on('message', (data: Buffer) => client.send(data.toString('utf8')));
      client.once('close', () => void this.end(held.id, 'client closed'));
      browser.once('close', () => void this.end(held.id, 'browser closed'));
    });
  }

  /** Ends a session: its sockets, browser and lane go, its slot frees. Idempotent. */
  end(id: string, why: string): Promise<void> {
    const held = this.#held.get(id);
    if (!held) return Promise.resolve();
    held.ending ??= (async () => {
      for (const t of held.timers) clearTimeout(t);
      for (const s of held.sockets) s.terminate();
      await held.proc.kill();
      await held.lane.close();
      this.#held.delete(id);
      this.#release();
      this.deps.log.info('browser session ended', { sessionId: id, orgId: held.orgId, why });
    })();
    return held.ending;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.#held.keys()].map((id) => this.end(id, 'node stopping')));
    this.#wss.close();
  }

  #release(): void {
    this.deps.limiter.release();
    this.deps.onSlotFreed?.();
  }
}
