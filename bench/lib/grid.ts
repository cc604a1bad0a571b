/**
 * The grid's summary (issue #15 §2): per Trawl job, variant and concurrency, Trawl beside the limit (bare
 * playwright-core with in-browser blocking, same run and binary) and Crawlee's crawlers, with the ratios the issue
 * sets targets for: Trawl >= 1.0 x the limit, >= 1.5 x Crawlee's PlaywrightCrawler, fleet memory <= the bare
 * script's. Edge CPU is reported apart (the Worker runs elsewhere in production).
 */
import { round } from './stats.ts';

interface TrawlRow { job: string; variant: string; concurrency: number; pagesPerSec: number; p95TaskMs: number; peakRssBytes: number; cpu: Record<string, number>; status: string }
interface BaselineRow { scraper: string; variant: string; concurrency: number; pagesPerSec: number; p95PageMs: number; peakRssBytes: number }
interface CrawleeRow { scraper: string; variant: string; concurrency: number; pagesPerSec: number; p95PageMs: number; peakRssBytes: number; records: string }

export interface GridRow {
  job: string; variant: string; concurrency: number;
  trawl: number; trawlP95: number; trawlMb: number; edgeCpuS: number; nodeCpuS: number; chromiumCpuS: number;
  limit: number | null; limitP95: number | null; limitMb: number | null;
  playwright: number | null; adaptive: number | null; cheerio: number | null;
  vsLimit: number | null; vsPlaywright: number | null; vsAdaptive: number | null; memVsLimit: number | null;
}

const MB = 2 ** 20;
const ratio = (a: number, b: number | null | undefined): number | null => (b ? round(a / b, 2) : null);

export function gridRows(trawl: readonly TrawlRow[], baseline: readonly BaselineRow[], crawlee: readonly CrawleeRow[]): GridRow[] {
  return trawl.map((t) => {
    const same = <R extends { variant: string; concurrency: number }>(r: R): boolean => r.variant === t.variant && r.concurrency === t.concurrency;
    const limit = baseline.find((b) => same(b) && b.scraper.replace(/@shell$/, '') === 'bare-blocked');
    const crawler = (kind: string): CrawleeRow | undefined => crawlee.find((c) => same(c) && c.scraper === `crawlee-${kind}`);
    const pw = crawler('playwright');
    const ad = crawler('adaptive');
    const ch = crawler('cheerio');
    return {
      job: t.job, variant: t.variant, concurrency: t.concurrency,
      trawl: t.pagesPerSec, trawlP95: t.p95TaskMs, trawlMb: round(t.peakRssBytes / MB), edgeCpuS: t.cpu.edge ?? Number.NaN,
      nodeCpuS: t.cpu.fleetNode ?? Number.NaN, chromiumCpuS: t.cpu.chromium ?? Number.NaN,
      limit: limit?.pagesPerSec ?? null, limitP95: limit?.p95PageMs ?? null, limitMb: limit ? round(limit.peakRssBytes / MB) : null,
      playwright: pw?.pagesPerSec ?? null, adaptive: ad?.pagesPerSec ?? null, cheerio: ch && ch.records === 'exact' ? ch.pagesPerSec : null,
      vsLimit: ratio(t.pagesPerSec, limit?.pagesPerSec), vsPlaywright: ratio(t.pagesPerSec, pw?.pagesPerSec),
      vsAdaptive: ratio(t.pagesPerSec, ad?.pagesPerSec), memVsLimit: limit ? ratio(t.peakRssBytes, limit.peakRssBytes) : null,
    };
  });
}

const flag = (x: number | null, target: number, higherIsBetter = true): string =>
  (x === null ? '-' : `${x}${(higherIsBetter ? x >= target : x <= target) ? '' : ' (miss)'}`);

// Memory is Node plus browser on both sides (issue #15 §2, ADR 0065): the fleet's supervisor, node process and Chromium;
// the bare script's own Node process and its Chromium (run apart by bench/lib/child-run.ts).
export const GRID_HEADER = ['job', 'variant', 'c', 'trawl p/s', 'p95 ms', 'fleet MB (sup+node+chromium)', 'edge cpu s', 'limit p/s', 'limit p95', 'limit MB (node+chromium)',
  'crawlee pw', 'adaptive', 'cheerio', 'x limit (>=1)', 'x pw (>=1.5)', 'x adaptive', 'mem x limit (<=1)'];

export function gridCells(r: GridRow): Array<string | number> {
  return [r.job, r.variant, r.concurrency, r.trawl, r.trawlP95, r.trawlMb, r.edgeCpuS, r.limit ?? '-', r.limitP95 ?? '-', r.limitMb ?? '-',
    r.playwright ?? '-', r.adaptive ?? '-', r.cheerio ?? '-', flag(r.vsLimit, 1), flag(r.vsPlaywright, 1.5), r.vsAdaptive ?? '-', flag(r.memVsLimit, 1, false)];
}
