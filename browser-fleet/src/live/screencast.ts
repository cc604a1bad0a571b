import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { CDPSession } from 'playwright-core';
import { WebSocketServer, type WebSocket } from 'ws';
import { verifyRequest } from '@trawl/schemas';
import { messageOf, type Logger } from '../log.ts';
import type { TaskPage, TaskPages } from './task-pages.ts';

/** `/v1/tasks/{taskId}/screencast?run=<runId>&org=<orgId>`, signed by the edge (GET, empty body). */
const PATH = /^\/v1\/tasks\/([A-Za-z0-9_-]{1,64})\/screencast$/;
const SCREENCAST = { format: 'jpeg', quality: 60, maxWidth: 1280, maxHeight: 800, everyNthFrame: 1 } as const;

interface FrameEvent { data: string; sessionId: number; metadata: { deviceWidth: number; deviceHeight: number; scrollOffsetX: number; scrollOffsetY: number; timestamp?: number } }

/**
 * The live view of a task in flight (issue #13 §2, ADR 0044): while the edge holds this WebSocket, the task's page is
 * screencast (CDP `Page.startScreencast` on a CDP session of its own) and each frame goes out as JSON
 * `{type:"frame", data, width, height, scrollX, scrollY, url, ts}`. Read-only: nothing the socket sends reaches the page.
 * Closing the socket stops the screencast; the task's end sends `{type:"ended"}` and closes it.
 */
export class TaskScreencasts {
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  #active = 0;

  constructor(private readonly deps: { secret: string; pages: TaskPages; log: Logger }) {}

  /** Screencasts running now (one per edge connection). */
  get count(): number {
    return this.#active;
  }

  /** Handles an upgrade for a task's screencast path; false when the path is not one. */
  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://node');
    const taskId = PATH.exec(url.pathname)?.[1];
    if (!taskId) return false;
    const headers = { get: (n: string) => { const v = req.headers[n.toLowerCase()]; return typeof v === 'string' ? v : null; } };
    const bad = await verifyRequest(this.deps.secret, headers, 'GET', `${url.pathname}${url.search}`, '');
    if (bad) return refuse(socket, 401, 'Unauthorized');
    const page = this.deps.pages.get(taskId, url.searchParams.get('run') ?? '', url.searchParams.get('org') ?? '');
    if (!page) return refuse(socket, 404, 'Not Found');
    this.#wss.handleUpgrade(req, socket, head, (ws) => void this.#watch(page, ws));
    return true;
  }

  async #watch(task: TaskPage, ws: WebSocket): Promise<void> {
    this.#active++;
    let cdp: CDPSession | null = null;
    let done = false;
    const stop = async (): Promise<void> => {
      if (done) return;
      done = true;
      this.#active--;
      cancelEnd();
      await cdp?.send('Page.stopScreencast').catch(() => undefined);
      await cdp?.detach().catch(() => undefined);
    };
    const cancelEnd = this.deps.pages.onEnd(task.taskId, () => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'ended' }));
      ws.close(1000, 'the task is over');
      void stop();
    });
    ws.once('close', () => void stop());
    if (done) return;
    try {
      // A watcher may come before the runner has made the page: the screencast starts once it has.
      const { context, page } = await task.ready;
      if (done) return;
      cdp = await context.newCDPSession(page);
      cdp.on('Page.screencastFrame', (f: FrameEvent) => {
        const { metadata: m } = f;
        const ack = (): void => void cdp?.send('Page.screencastFrameAck', { sessionId: f.sessionId }).catch(() => undefined);
        // A page not yet navigated (the task's first goto is on its way) shows nothing of the task: no frame until it has.
        if (task.hidden || page.url() === 'about:blank') return ack();
        const msg = JSON.stringify({ type: 'frame', data: f.data, width: m.deviceWidth, height: m.deviceHeight, scrollX: m.scrollOffsetX, scrollY: m.scrollOffsetY, url: page.url(), ts: Date.now() });
        // The next frame is asked for once this one left: a slow watcher gets fewer frames, not a growing queue.
        if (ws.readyState === ws.OPEN) ws.send(msg, ack);
      });
      if (done) return void cdp.detach().catch(() => undefined);
      await cdp.send('Page.startScreencast', SCREENCAST);
      this.deps.log.info('live view started', { runId: task.runId, taskId: task.taskId, orgId: task.orgId });
    } catch (e) {
      // The task's page closed under us (the task ended between the check and here).
      this.deps.log.info('live view could not start', { taskId: task.taskId, error: messageOf(e) });
      ws.close(1011, 'the task\'s page is gone');
      await stop();
    }
  }

  close(): void {
    for (const ws of this.#wss.clients) ws.terminate();
    this.#wss.close();
  }
}

function refuse(socket: Duplex, status: number, text: string): true {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  return true;
}
