/**
 * The live view's costs on this machine (issue #13 §2/§3, ADR 0044), with the fleet's own pieces in process:
 * - input-to-frame latency: a key typed into the page over CDP (as the hand-off forwards a person's input) until
 *   the frame showing it reaches a watcher through the node's screencast WebSocket (TaskScreencasts), p50/p95;
 * - browser CPU per session-second, idle (nobody watching) and active (watched, typed into every 100 ms);
 * - memory per session browser (one Chromium each, as BrowserSessions starts them) and so how many a node holds.
 *   node --import tsx bench/live-view.ts [--samples 60] [--browsers 4] [--seconds 10]
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freemem } from 'node:os';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';
import { Task, fleetPaths, signRequest } from '@trawl/schemas';
import { launchChromium, type ChromiumProcess } from '../browser-fleet/src/chromium-process.ts';
import { defaultChromiumPath } from '../browser-fleet/src/chromium-path.ts';
import { silentLogger } from '../browser-fleet/src/log.ts';
import { TaskPages } from '../browser-fleet/src/live/task-pages.ts';
import { TaskScreencasts } from '../browser-fleet/src/live/screencast.ts';
import { treeCpuSeconds } from './lib/cpu.ts';
import { treeRss } from './lib/rss.ts';
import { percentile, round, table } from './lib/stats.ts';

const { values } = parseArgs({ options: { samples: { type: 'string', default: '60' }, browsers: { type: 'string', default: '4' }, seconds: { type: 'string', default: '10' } } });
const SECRET = 'bench-secret-0123456789abcdef';
const PAGE = '<!doctype html><title>typed</title><body style="margin:0;font:40px sans-serif"><input id="i" autofocus style="font:40px sans-serif;width:90%"></body>';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const proc = await launchChromium(defaultChromiumPath());
const browser = await chromium.connectOverCDP(proc.wsEndpoint);
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const page = await context.newPage();
await page.setContent(PAGE);
await page.focus('#i');
const input = await context.newCDPSession(page);

const task = Task.parse({ runId: 'run_bench', orgId: 'org_bench', taskId: 'tsk_bench', attempt: 1, leaseToken: 'lease', url: 'http://127.0.0.1:9/', depth: 0,
  spec: { itemSelector: 'li', fields: { a: {} } }, deadline: Date.now() + 3_600_000, edgeUrl: 'http://127.0.0.1:9', leaseMs: 30_000 });
const pages = new TaskPages();
await pages.begin(task).attach?.(context, page);
const screencasts = new TaskScreencasts({ secret: SECRET, pages, log: silentLogger });
const server = createServer((_, res) => res.writeHead(404).end());
server.on('upgrade', (req, socket, head) => void screencasts.handleUpgrade(req, socket, head).then((ok) => ok || socket.destroy()));
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));

async function watcher(): Promise<{ ws: WebSocket; frames: number[] }> {
  const path = fleetPaths.taskScreencast(task.taskId, task.runId, task.orgId);
  const ws = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}${path}`, { headers: await signRequest(SECRET, 'GET', path, '') });
  const frames: number[] = [];
  ws.on('message', () => frames.push(performance.now()));
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  return { ws, frames };
}
const type = (ch: string) => input.send('Input.dispatchKeyEvent', { type: 'char', text: ch });

// Latency: after the page is still (no frame for 300 ms), one key; the first frame after it is the one showing it.
const w = await watcher();
const latencies: number[] = [];
await sleep(1000);
for (let i = 0; i < Number(values.samples); i++) {
  await sleep(300);
  const seen = w.frames.length;
  const t0 = performance.now();
  await type(String.fromCharCode(97 + (i % 26)));
  while (w.frames.length === seen && performance.now() - t0 < 5000) await sleep(2);
  if (w.frames.length > seen) latencies.push(w.frames[seen]! - t0);
}
w.ws.close();

// CPU of the session's browser per wall second: idle (nobody watching), then watched and typed into every 100 ms.
const seconds = Number(values.seconds);
await sleep(500);
const cpu = async (active: boolean): Promise<number> => {
  const v = active ? await watcher() : null;
  const c0 = treeCpuSeconds(proc.pid);
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    if (active) await type('x');
    await sleep(100);
  }
  const perSecond = (treeCpuSeconds(proc.pid) - c0) / ((performance.now() - t0) / 1000);
  v?.ws.close();
  return perSecond;
};
const idle = await cpu(false);
const active = await cpu(true);

// Memory: more session browsers, each with one page, as BrowserSessions holds them.
const more: ChromiumProcess[] = [];
for (let i = 0; i < Number(values.browsers); i++) {
  const p = await launchChromium(defaultChromiumPath());
  const b = await chromium.connectOverCDP(p.wsEndpoint);
  await (await (await b.newContext()).newPage()).setContent(PAGE);
  more.push(p);
}
await sleep(1000);
const perSession = [proc, ...more].map((p) => treeRss(p.pid).bytes);
const meanMb = perSession.reduce((a, b) => a + b, 0) / perSession.length / 2 ** 20;

console.log(table(['measure', 'value'], [
  ['input-to-frame p50 (ms)', round(percentile(latencies, 0.5), 1)],
  ['input-to-frame p95 (ms)', round(percentile(latencies, 0.95), 1)],
  ['samples with a frame', `${latencies.length}/${values.samples}`],
  ['browser CPU s per session-second, idle', round(idle, 3)],
  ['browser CPU s per session-second, watched + typing', round(active, 3)],
  ['RSS per session browser (MiB, tree sum, upper bound)', round(meanMb, 0)],
  ['sessions that fit in free memory now (80%)', Math.floor((freemem() * 0.8) / (meanMb * 2 ** 20))],
]));
screencasts.close();
server.close();
await browser.close().catch(() => undefined);
for (const p of [proc, ...more]) await p.kill();
process.exit(0);
