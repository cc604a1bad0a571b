/**
 * The fixture README's reference rows, measured here: bare playwright-core over CDP, no pipeline.
 * One Chromium per measurement (launched before the clock starts, as the fleet's is), one context,
 * N pages working through one shared list of URLs: `page.goto` (waitUntil 'load', Playwright's
 * default) + waitForSelector('article.product') (the js variant injects its cards 50 ms after its
 * script runs) + `$$eval`. "blocked" adds CDP Network.setBlockedURLs for images, fonts and CSS.
 * "ctx" (not in the reference rows; --modes bare-ctx,bare-ctx-blocked) opens a new context and page
 * per URL and closes it after, as Trawl does for every task: it separates the cost of that isolation
 * from the cost of Trawl's pipeline. "page" (bare-page, bare-page-blocked) opens a new page per URL in the
 * one shared context: what reusing a context across tasks (but not pages) would cost.
 *
 *   node --import tsx bench/baseline.ts [--variants static,js] [--concurrency 1,2,4,8] [--pages 200] [--fixture PATH]
 *                                       [--modes bare,bare-blocked,bare-ctx,bare-ctx-blocked,bare-page,bare-page-blocked]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type BrowserContext, type Page } from './lib/playwright.ts';
import { sampleRss, type ProcMem } from './lib/rss.ts';
import { meterCpu, treeCpuSeconds } from './lib/cpu.ts';
import { installInterruptHandlers, onInterrupt } from './lib/cleanup.ts';
import { CHILD_RESULT, markChild } from './lib/child-run.ts';
import { mean, percentile, round, table } from './lib/stats.ts';
import { startFixture, verificationOk, verify, type ExpectedRecord, type Variant, type Verification } from './lib/fixture.ts';

export const CHROMIUM_FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--remote-debugging-port=0',
];
const BLOCKED_URLS = ['png', 'jpg', 'jpeg', 'gif', 'webp', 'svg', 'ico', 'woff', 'woff2', 'ttf', 'otf', 'css']
  .flatMap((ext) => [`*.${ext}`, `*.${ext}?*`]);

export interface BaselineResult {
  /** The mode; `@shell` when it ran on Chromium's headless shell instead of full Chromium. */
  scraper: string;
  variant: Variant;
  concurrency: number;
  pages: number;
  failedPages: number;
  firstError?: string | undefined;
  wallMs: number;
  pagesPerSec: number;
  meanPageMs: number;
  p50PageMs: number;
  p95PageMs: number;
  /** Chromium's tree, plus the Node client when it ran in a child of its own (bench/lib/child-run.ts samples it). */
  peakRssBytes: number;
  /** From child-run: at the peak, the Node client and Chromium apart, the PSS sum's peak, and each process at the peak. */
  chromiumPeakRssBytes?: number;
  clientPeakRssBytes?: number;
  peakPssBytes?: number;
  atPeak?: ProcMem[];
  /** CPU seconds during the crawl: Chromium's tree, this Node process (the Playwright client), the machine. */
  cpu: Record<string, number>;
  verification: Verification;
}

interface Chromium { pid: number; ws: string; kill(): void }

function launch(path: string): Promise<Chromium> {
  const dir = mkdtempSync(join(tmpdir(), 'trawl-bench-chromium-'));
  const child = spawn(path, [...CHROMIUM_FLAGS, `--user-data-dir=${dir}`, 'about:blank'], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  const kill = () => {
    try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
    rmSync(dir, { recursive: true, force: true });
  };
  return new Promise((resolve, reject) => {
    let tail = '';
    const timer = setTimeout(() => { kill(); reject(new Error(`chromium did not start: ${tail.slice(-500)}`)); }, 15_000);
    child.stderr.on('data', (chunk: Buffer) => {
      tail = (tail + chunk.toString()).slice(-4000);
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(tail);
      if (m) {
        clearTimeout(timer);
        child.stderr.removeAllListeners('data');
        child.stderr.resume();
        resolve({ pid: child.pid!, ws: m[1]!, kill });
      }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`chromium exited (${code}): ${tail.slice(-500)}`)); });
  });
}

export interface BaselineOptions {
  urls: readonly string[];
  variant: Variant;
  concurrency: number;
  blocked: boolean;
  /** A new context (and page) per URL, closed after it: the isolation Trawl gives every task, without its pipeline. */
  freshContext?: boolean;
  /** A new page per URL in the one shared context, closed after it (what a context reused across tasks would cost). */
  freshPage?: boolean;
  expected: readonly ExpectedRecord[];
  base: string;
  chromiumPath?: string;
  /**
   * This process is the bare script alone: bench/lib/child-run.ts samples its tree (Node client + Chromium, issue
   * #15 §2) from outside, between the marks this prints, so the sampling costs the measured process nothing.
   */
  client?: boolean;
}

export async function runBaseline(o: BaselineOptions): Promise<BaselineResult> {
  const proc = await launch(o.chromiumPath ?? '/usr/bin/chromium');
  const forget = onInterrupt(() => proc.kill());
  const rss = sampleRss(proc.pid, o.client ? 60_000 : 250);
  try {
    const browser = await chromium.connectOverCDP(proc.ws, { timeout: 15_000 });
    const context = o.freshContext ? null : await browser.newContext();
    const openPage = async (ctx: BrowserContext): Promise<Page> => {
      const page = await ctx.newPage();
      if (o.blocked) {
        const cdp = await ctx.newCDPSession(page);
        await cdp.send('Network.enable');
        await cdp.send('Network.setBlockedURLs', { urls: BLOCKED_URLS });
      }
      return page;
    };
    const workers = await Promise.all(Array.from({ length: o.concurrency }, async () => (context && !o.freshPage ? openPage(context) : null)));
    rss.reset();
    if (o.client) markChild('start');
    const cpu = meterCpu({
      chromium: () => treeCpuSeconds(proc.pid),
      client: () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; },
    });
    const queue = [...o.urls];
    const pageMs: number[] = [];
    const records: Array<Record<string, unknown>> = [];
    let failed = 0;
    let firstError: string | undefined;
    const started = performance.now();
    await Promise.all(workers.map(async (shared) => {
      for (let url = queue.shift(); url !== undefined; url = queue.shift()) {
        const t = performance.now();
        const own = shared || o.freshPage ? null : await browser.newContext();
        let fresh: Page | null = null;
        try {
          const page = shared ?? (fresh = await openPage(own ?? context!));
          await page.goto(url, { timeout: 30_000 });
          await page.waitForSelector('article.product', { state: 'attached', timeout: 10_000 });
          // No named helpers inside: tsx (esbuild keepNames) would wrap them in __name(), which the page does not have.
          const items = await page.$$eval('article.product', (els) => els.map((el) => ({
            id: el.getAttribute('data-id'),
            title: el.querySelector('h2.title')?.textContent?.trim() ?? null,
            price: Number((el.querySelector('.price')?.textContent ?? '').replace(/[^0-9.-]/g, '')),
            rating: Number((el.querySelector('.rating b')?.textContent ?? '').replace(/[^0-9.-]/g, '')),
            url: new URL(el.querySelector('a.link')?.getAttribute('href') ?? '', document.baseURI).href,
            image: new URL(el.querySelector('img')?.getAttribute('src') ?? '', document.baseURI).href,
          })));
          records.push(...items);
          await (own ?? fresh)?.close();
          pageMs.push(performance.now() - t);
        } catch (e) {
          failed++;
          firstError ??= e instanceof Error ? e.message.split('\n')[0]! : String(e);
        } finally {
          await (own ?? fresh)?.close();
        }
      }
    }));
    const wallMs = performance.now() - started;
    const cpuUsed = cpu.stop();
    await browser.close().catch(() => undefined);
    const mem = rss.stop();
    if (o.client) markChild('stop');
    return {
      scraper: `bare${o.freshContext ? '-ctx' : o.freshPage ? '-page' : ''}${o.blocked ? '-blocked' : ''}${o.chromiumPath?.includes('headless-shell') ? '@shell' : ''}`, variant: o.variant, concurrency: o.concurrency, pages: o.urls.length, failedPages: failed, firstError,
      wallMs: round(wallMs), pagesPerSec: round(o.urls.length / (wallMs / 1000), 2),
      meanPageMs: round(mean(pageMs)), p50PageMs: round(percentile(pageMs, 0.5)), p95PageMs: round(percentile(pageMs, 0.95)),
      peakRssBytes: mem.peakBytes, cpu: cpuUsed, verification: verify(records, o.expected, o.base),
    };
  } finally {
    rss.stop();
    proc.kill();
    forget();
  }
}

export function baselineTable(rows: readonly BaselineResult[]): string {
  return table(['scraper', 'variant', 'conc', 'pages/s', 'wall s', 'mean page ms', 'p95 page ms', 'peak RSS MB', 'cpu s chromium/client', 'load', 'records ok'],
    rows.map((r) => [r.scraper, r.variant, r.concurrency, r.pagesPerSec, round(r.wallMs / 1000, 1), r.meanPageMs, r.p95PageMs,
      round(r.peakRssBytes / 2 ** 20), `${r.cpu.chromium}/${r.cpu.client}`, `${r.cpu.loadStart}-${r.cpu.loadEnd}`, verificationOk(r.verification) ? 'yes' : `NO (${r.verification.missing} missing, ${r.verification.mismatched} mismatched)`]));
}

// By file name, not import.meta.url: bundled into crawlee.mjs (for CHROMIUM_FLAGS) this module must not run as main.
const isMain = /[/\\]baseline\.(ts|mjs)$/.test(process.argv[1] ?? '');
if (isMain && process.argv[2] === '--child') {
  // One measurement as the bare script alone, in a process of its own (bench/lib/child-run.ts).
  const o = JSON.parse(readFileSync(process.argv[3]!, 'utf8')) as BaselineOptions;
  installInterruptHandlers();
  process.stdout.write(`${CHILD_RESULT}${JSON.stringify(await runBaseline({ ...o, client: true }))}\n`);
  process.exit(0);
} else if (isMain) {
  const { values } = parseArgs({ options: {
    variants: { type: 'string', default: 'static,js' }, concurrency: { type: 'string', default: '1,2,4,8' },
    pages: { type: 'string', default: '200' }, fixture: { type: 'string' }, chromium: { type: 'string', default: '/usr/bin/chromium' },
    modes: { type: 'string', default: 'bare,bare-blocked' },
  } });
  installInterruptHandlers();
  const fixture = await startFixture({ path: values.fixture, pages: Number(values.pages) });
  onInterrupt(() => fixture.stop());
  const rows: BaselineResult[] = [];
  try {
    for (const variant of values.variants.split(',') as Variant[]) {
      for (const concurrency of values.concurrency.split(',').map(Number)) {
        for (const mode of values.modes.split(',')) {
          const r = await runBaseline({ urls: fixture.urls(variant), variant, concurrency, blocked: mode.endsWith('-blocked'), freshContext: mode.includes('-ctx'),
            freshPage: mode.includes('-page'), expected: fixture.expected, base: fixture.base, chromiumPath: values.chromium });
          console.log(`${r.scraper} ${variant} c=${concurrency}: ${r.pagesPerSec} pages/s`);
          rows.push(r);
        }
      }
    }
  } finally {
    await fixture.stop();
  }
  console.log(`\n${baselineTable(rows)}`);
}
