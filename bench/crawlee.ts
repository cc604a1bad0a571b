/**
 * Crawlee 3 on the shared fixture, for comparison with Trawl and the bare baselines (issue #15 §2): PlaywrightCrawler
 * (the browser), CheerioCrawler (HTTP + cheerio, no browser) and AdaptivePlaywrightCrawler (Crawlee's own fast path),
 * on the same Debian Chromium the baselines use (never `playwright install`), sandbox off like them, at each
 * concurrency, records checked against expected.json. Pages/s, p95 page time, peak memory of this process and its
 * browsers, CPU.
 *   node --import tsx bench/crawlee.ts [--pages 200] [--concurrency 1,2,4,8] [--variants static,js] [--crawlers playwright,cheerio,adaptive]
 */
import { parseArgs } from 'node:util';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AdaptivePlaywrightCrawler, PlaywrightCrawler } from '@crawlee/playwright';
import { CheerioCrawler, Configuration, type CheerioAPI } from '@crawlee/cheerio';
import { chromium } from 'playwright';
import { startFixture, verificationOk, verify, type ExpectedRecord, type Variant } from './lib/fixture.ts';
import { CHILD_RESULT, markChild } from './lib/child-run.ts';

/** By file name: this module may be bundled into another entry. `child`: one measurement for bench/lib/child-run.ts. */
const isMain = /[/\\]crawlee\.(ts|mjs)$/.test(process.argv[1] ?? '');
const child = isMain && process.argv[2] === '--child';
import { sampleRss } from './lib/rss.ts';
import { treeCpuSeconds } from './lib/cpu.ts';
import { percentile, round, table } from './lib/stats.ts';
import { CHROMIUM_FLAGS } from './baseline.ts';
import { defaultChromiumPath } from '../browser-fleet/src/chromium-path.ts';

export type CrawleeKind = 'playwright' | 'cheerio' | 'adaptive';
export interface CrawleeResult { scraper: string; variant: Variant; concurrency: number; pagesPerSec: number; p95PageMs: number; peakRssBytes: number; cpuSeconds: number; records: string }

const launchContext = {
  launcher: chromium,
  // The baselines' Chromium and flags (minus the debugging port, which Playwright sets itself).
  // The fleet's browser (the headless shell when installed), so every scraper of the grid runs the same binary.
  launchOptions: { executablePath: process.env.BENCH_CHROMIUM ?? defaultChromiumPath(), headless: true, args: CHROMIUM_FLAGS.filter((f) => !f.startsWith('--remote-debugging') && f !== '--headless') },
};

/** The fixture's records from cheerio (the adaptive crawler hands both of its ways one). */
function recordsOf($: CheerioAPI, base: string): Array<Record<string, unknown>> {
  return $('article.product').toArray().map((el) => {
    const c = $(el);
    return { id: c.attr('data-id'), title: c.find('h2.title').text().trim(), price: Number(c.find('.price').text().replace(/[^0-9.]/g, '')),
      rating: Number(c.find('.rating b').text()), url: new URL(c.find('a.link').attr('href') ?? '', base).href, image: new URL(c.find('img').attr('src') ?? '', base).href };
  });
}

export async function runCrawlee(kind: CrawleeKind, urls: string[], variant: Variant, concurrency: number, expected: Parameters<typeof verify>[1], base: string): Promise<CrawleeResult> {
  const storage = mkdtempSync(join(tmpdir(), 'trawl-bench-crawlee-'));
  const config = new Configuration({ persistStorage: false, purgeOnStart: true, storageClientOptions: { localDataDirectory: storage } });
  // Per URL, the last records its handler read: the adaptive crawler runs a sampled page's handler both ways and keeps one.
  const byUrl = new Map<string, Array<Record<string, unknown>>>();
  const started = new Map<string, number>();
  const pageMs: number[] = [];
  const done = (url: string): void => void pageMs.push(performance.now() - (started.get(url) ?? performance.now()));
  const common = { maxConcurrency: concurrency, minConcurrency: concurrency, maxRequestRetries: 0, requestHandlerTimeoutSecs: 30 };
  const stamp = async ({ request }: { request: { url: string } }): Promise<void> => void started.set(request.url, performance.now());
  const crawler = kind === 'cheerio'
    ? new CheerioCrawler({ ...common, preNavigationHooks: [stamp], requestHandler: async ({ $, request }) => { byUrl.set(request.url, recordsOf($, base)); done(request.url); } }, config)
    : kind === 'adaptive'
      ? new AdaptivePlaywrightCrawler({ ...common, launchContext, renderingTypeDetectionRatio: 0.1,
        preNavigationHooks: [stamp], requestHandler: async ({ parseWithCheerio, querySelector, request }) => {
          // Waits for the cards in the browser (as Trawl and the bare script do); over HTTP it only looks.
          await querySelector('article.product', 10_000).catch(() => undefined);
          byUrl.set(request.url, recordsOf(await parseWithCheerio(), base));
          done(request.url);
        } }, config)
      : new PlaywrightCrawler({ ...common, launchContext, preNavigationHooks: [stamp],
        requestHandler: async ({ page, request, parseWithCheerio }) => {
          await page.waitForSelector('article.product', { state: 'attached', timeout: 10_000 });
          byUrl.set(request.url, recordsOf(await parseWithCheerio(), base));
          done(request.url);
        } }, config);
  // In a child of its own (bench/lib/child-run.ts) the parent samples this tree between the marks.
  const rss = sampleRss(process.pid, child ? 60_000 : 250);
  if (child) markChild('start');
  const cpu0 = treeCpuSeconds(process.pid);
  const t0 = performance.now();
  await crawler.run(urls);
  const secs = (performance.now() - t0) / 1000;
  if (child) markChild('stop');
  const mem = rss.stop();
  rmSync(storage, { recursive: true, force: true });
  const v = verify([...byUrl.values()].flat(), expected, base);
  return { scraper: `crawlee-${kind}`, variant, concurrency, pagesPerSec: round(urls.length / secs, 1), p95PageMs: round(percentile(pageMs, 0.95)),
    peakRssBytes: mem.peakBytes, cpuSeconds: round(treeCpuSeconds(process.pid) - cpu0, 1), records: verificationOk(v) ? 'exact' : `missing ${v.missing}, mismatched ${v.mismatched}` };
}

if (child) {
  // One measurement in a process of its own (bench/lib/child-run.ts): its tree is Crawlee's Node and its browser only.
  const o = JSON.parse(readFileSync(process.argv[3]!, 'utf8')) as { kind: CrawleeKind; urls: string[]; variant: Variant; concurrency: number; expected: ExpectedRecord[]; base: string };
  process.stdout.write(`${CHILD_RESULT}${JSON.stringify(await runCrawlee(o.kind, o.urls, o.variant, o.concurrency, o.expected, o.base))}\n`);
  process.exit(0);
} else if (isMain) {
  const { values } = parseArgs({ options: { pages: { type: 'string', default: '200' }, concurrency: { type: 'string', default: '1,2,4,8' },
    variants: { type: 'string', default: 'static,js' }, crawlers: { type: 'string', default: 'playwright,cheerio,adaptive' } } });
  const fixture = await startFixture({ pages: Number(values.pages) });
  const rows: CrawleeResult[] = [];
  try {
    for (const variant of values.variants.split(',') as Variant[]) {
      for (const c of values.concurrency.split(',').map(Number)) {
        for (const kind of values.crawlers.split(',') as CrawleeKind[]) {
          rows.push(await runCrawlee(kind, fixture.urls(variant), variant, c, fixture.expected, fixture.base));
          console.log(JSON.stringify(rows.at(-1)));
        }
      }
    }
    console.log(table(['scraper', 'variant', 'c', 'pages/s', 'p95 ms', 'peak MB', 'CPU s', 'records'],
      rows.map((r) => [r.scraper, r.variant, r.concurrency, r.pagesPerSec, r.p95PageMs, round(r.peakRssBytes / 2 ** 20), r.cpuSeconds, r.records])));
  } finally {
    await fixture.stop();
  }
}
