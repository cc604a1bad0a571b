/**
 * What the CDP pipe bridge (ADR 0023) costs per CDP round trip: the same Chromium build reached over its own
 * --remote-debugging-port (unsandboxed, as this user: the old way) and through launchChromium (pipe + bridge,
 * sandboxed as the browsers' user). Prints the median and p95 of `page.evaluate` round trips and the time to a
 * fresh context with one page load. Not a test: figures depend on the machine's load.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { defaultChromiumPath } from '../src/chromium-path.ts';
import { launchChromium } from '../src/chromium-process.ts';

const ROUNDS = Number(process.env.ROUNDS ?? 400);
const pct = (xs: number[], p: number): number => xs.toSorted((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

async function measure(label: string, browser: Browser): Promise<void> {
  const trips: number[] = [];
  const contexts: number[] = [];
  for (let c = 0; c < 10; c++) {
    const t = performance.now();
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto('data:text/html,<h1>x</h1>');
    contexts.push(performance.now() - t);
    for (let i = 0; i < ROUNDS / 10; i++) {
      const s = performance.now();
      await page.evaluate('1');
      trips.push(performance.now() - s);
    }
    await context.close();
  }
  console.log(`${label}: evaluate round trip median ${pct(trips, 0.5).toFixed(2)} ms, p95 ${pct(trips, 0.95).toFixed(2)} ms; context+page+load median ${pct(contexts, 0.5).toFixed(0)} ms`);
}

const path = defaultChromiumPath();
const dir = mkdtempSync(join(tmpdir(), 'trawl-bench-'));
const old = spawn(path, ['--headless', '--no-sandbox', '--disable-gpu', `--user-data-dir=${dir}`, '--remote-debugging-address=127.0.0.1', '--remote-debugging-port=0', 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
const endpoint = await new Promise<string>((resolve) => {
  let tail = '';
  old.stderr.on('data', (c: Buffer) => {
    tail += c.toString();
    const m = /DevTools listening on (ws:\/\/\S+)/.exec(tail);
    if (m?.[1]) resolve(m[1]);
  });
});
const direct = await chromium.connectOverCDP(endpoint);
const proc = await launchChromium(path);
const bridged = await chromium.connectOverCDP(proc.wsEndpoint);
// The bridge alone: pipe, as this user, unsandboxed.
const bare = await launchChromium(path, { identity: null, sandbox: false, warnings: [] });
const bridgedOnly = await chromium.connectOverCDP(bare.wsEndpoint);
for (let round = 0; round < 2; round++) {
  await measure('port, root, --no-sandbox (old)', direct);
  await measure('pipe+bridge, root, --no-sandbox', bridgedOnly);
  await measure('pipe+bridge, sandboxed user   ', bridged);
}
await bare.kill();
await direct.close();
process.kill(-old.pid!, 'SIGKILL');
await proc.kill();
rmSync(dir, { recursive: true, force: true });
