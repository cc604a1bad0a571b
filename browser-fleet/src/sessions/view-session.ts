import { chromium, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import type { WebSocket } from 'ws';
import { VIEW_VIEWPORT, ViewClientMessage, type ViewServerMessage } from '@trawl/schemas';
import { messageOf, type Logger } from '../log.ts';
import { allowedUrl } from './cdp-filter.ts';
import { pickerCommand } from './view-picker.ts';

/** A viewer that falls this far behind (bytes not yet sent) gets no new frame until it catches up. */
const MAX_BUFFERED = 4 * 1024 * 1024;
const BUTTONS = { left: 1, right: 2, middle: 4 } as const;

/**
 * The node's side of a `view` session (ADR 0043): the session's page is screencast to the viewer as JPEG frames and
 * the viewer's few JSON messages become CDP input (`Input.dispatch*`), navigation and picker calls. The viewer never
 * gets a CDP handle: what it can do is this list, and navigation is held to http(s) like the CDP filter's.
 */
export async function startView(wsEndpoint: string, client: WebSocket, log: Logger): Promise<void> {
  // Messages run one after another, in the order the person made them (a click after its mouse move), the first
  // ones once the page is watched: the viewer may speak before the node has connected to its browser.
  let handle: (raw: string) => Promise<void> = async () => undefined;
  let ready!: () => void;
  let queue = new Promise<void>((resolve) => { ready = resolve; });
  // Only the latest hover is worth outlining: older ones still queued are skipped.
  let hovers = 0;
  client.on('message', (data: Buffer) => {
    if (data.includes('"hover"')) hovers++;
    queue = queue.then(() => handle(data.toString('utf8'))).catch((e: unknown) => send({ type: 'error', message: messageOf(e).slice(0, 300) }));
  });
  const browser = await chromium.connectOverCDP(wsEndpoint, { timeout: 15_000 });
  const context = browser.contexts()[0] ?? await browser.newContext();
  const send = (m: ViewServerMessage): void => {
    if (client.readyState === client.OPEN) client.send(JSON.stringify(m));
  };
  let page: Page = context.pages()[0] ?? await context.newPage();
  let cdp: CDPSession | null = null;
  let sampleContext: Promise<BrowserContext> | null = null;
  const samples = (): Promise<BrowserContext> => (sampleContext ??= browser.newContext());

  const watch = async (p: Page): Promise<void> => {
    await cdp?.detach().catch(() => undefined);
    page = p;
    await p.setViewportSize(VIEW_VIEWPORT);
    const session = await context.newCDPSession(p);
    cdp = session;
    session.on('Page.screencastFrame', (f: { data: string; sessionId: number; metadata: { deviceWidth: number; deviceHeight: number; scrollOffsetX: number; scrollOffsetY: number } }) => {
      if (client.bufferedAmount < MAX_BUFFERED) {
        const m = f.metadata;
        send({ type: 'frame', data: f.data, width: m.deviceWidth, height: m.deviceHeight, scrollX: m.scrollOffsetX, scrollY: m.scrollOffsetY });
      }
      void session.send('Page.screencastFrameAck', { sessionId: f.sessionId }).catch(() => undefined);
    });
    p.on('framenavigated', (frame) => {
      if (frame === p.mainFrame() && page === p) void p.title().catch(() => '').then((title) => send({ type: 'navigated', url: frame.url(), title }));
    });
    await session.send('Page.startScreencast', { format: 'jpeg', quality: 70, maxWidth: VIEW_VIEWPORT.width, maxHeight: VIEW_VIEWPORT.height });
  };
  // A link that opens a new tab shows that tab: a person follows what they clicked.
  context.on('page', (p) => void watch(p).catch((e: unknown) => log.warn('view: new tab not shown', { error: messageOf(e) })));
  await watch(page);

  handle = async (raw: string): Promise<void> => {
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      return send({ type: 'error', message: 'not JSON' });
    }
    const parsed = ViewClientMessage.safeParse(json);
    if (!parsed.success) return send({ type: 'error', message: `not a view message: ${parsed.error.issues[0]?.message ?? ''}` });
    const m = parsed.data;
    const input = cdp;
    if (!input) return;
    switch (m.type) {
      case 'mouse': {
        const base = { x: m.x, y: m.y, button: m.button, modifiers: m.modifiers, buttons: m.action === 'down' ? BUTTONS[m.button] : 0 };
        if (m.action === 'move') return void await input.send('Input.dispatchMouseEvent', { ...base, type: 'mouseMoved', button: 'none' });
        if (m.action !== 'up') await input.send('Input.dispatchMouseEvent', { ...base, type: 'mousePressed', clickCount: 1, buttons: BUTTONS[m.button] });
        if (m.action !== 'down') await input.send('Input.dispatchMouseEvent', { ...base, type: 'mouseReleased', clickCount: 1 });
        return;
      }
      case 'wheel':
        return void await input.send('Input.dispatchMouseEvent', { type: 'mouseWheel', x: m.x, y: m.y, deltaX: m.dx, deltaY: m.dy });
      case 'key':
        if (m.action === 'press') return page.keyboard.press(m.key);
        return m.action === 'down' ? page.keyboard.down(m.key) : page.keyboard.up(m.key);
      case 'text':
        return page.keyboard.type(m.text);
      case 'navigate':
        if (!/^https?:$/.test(URL.canParse(m.url) ? new URL(m.url).protocol : '') || !allowedUrl(m.url)) return send({ type: 'error', message: 'only http(s) URLs can be opened' });
        return void await page.goto(m.url, { waitUntil: 'domcontentloaded', timeout: 30_000 });
      case 'back':
        return void await page.goBack({ waitUntil: 'domcontentloaded', timeout: 30_000 });
      case 'save': {
        // To the edge's BrowserSession object, which seals it into the login and relays no `state` (ADR 0044).
        const state = await context.storageState();
        return send({ type: 'state', storageState: { cookies: state.cookies, origins: state.origins } });
      }
      default:
        if (m.type === 'hover' && --hovers > 0) return;
        return pickerCommand({ page, samples }, m, send);
    }
  };
  ready();
  client.once('close', () => void browser.close().catch(() => undefined));
}
