/**
 * The fast path's DOM work per page, in process, without fetch or edge (ADR 0063): the steps runFastTask takes on a
 * fetched page (DomPage, the page verdict, the engine's collector, post-processing, the soft-failure signals, close)
 * on the shared fixture's static pages, each step timed apart, records checked against expected.json.
 *   node --import tsx bench/dom-cost.ts [--pages 20] [--rounds 10] [--dom full|light]
 */
import { parseArgs } from 'node:util';
import { TaskSpec } from '@trawl/schemas';
import { collectArgsOf, collectInPage } from '@trawl/engine';
import { DomPage } from '../browser-fleet/src/fast/dom-page.ts';
import { LightPage, lightEligible } from '../browser-fleet/src/fast/light-page.ts';
import { pageVerdict, softFailureOf } from '../browser-fleet/src/fast/page-verdict.ts';
import { PATTERN_CPU_BUDGET_MS, postProcess } from '../browser-fleet/src/post-process/pool.ts';
import { startFixture, verificationOk, verify } from './lib/fixture.ts';
import { round, table } from './lib/stats.ts';

const { values } = parseArgs({ options: { pages: { type: 'string', default: '20' }, rounds: { type: 'string', default: '10' }, dom: { type: 'string', default: 'full' } } });
// full: happy-dom (DomPage); light: linkedom (LightPage, ADR 0067), only on pages lightEligible admits.
const LIGHT = values.dom === 'light';
const PAGES = Number(values.pages);
const ROUNDS = Number(values.rounds);
// The benchmark job's fields (run.ts jobSpec, fast-path.ts SPEC).
const spec = TaskSpec.parse({ itemSelector: 'article.product', fields: {
  id: { source: 'attr', attr: 'data-id', required: true }, title: { selector: 'h2.title' },
  price: { selector: '.price', process: [{ op: 'number' }] }, rating: { selector: '.rating b', process: [{ op: 'number' }] },
  url: { selector: 'a.link', source: 'attr', attr: 'href', process: [{ op: 'absoluteUrl' }] },
  image: { selector: 'img', source: 'attr', attr: 'src', process: [{ op: 'absoluteUrl' }] },
} });

const threadMs = (): number => { const u = process.threadCpuUsage(); return (u.user + u.system) / 1000; };

const fixture = await startFixture({ pages: PAGES });
try {
  const urls = fixture.urls('static');
  const pages = await Promise.all(urls.map(async (url) => ({ url, html: await (await fetch(url)).text() })));
  const steps = ['parse', 'verdict', 'collect', 'postProcess', 'signals', 'close'] as const;
  const ms: Record<(typeof steps)[number], number> = { parse: 0, verdict: 0, collect: 0, postProcess: 0, signals: 0, close: 0 };
  const items = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let round = 0; round < ROUNDS; round++) {
    for (const { url, html } of pages) {
      // This thread's CPU time, not wall time: on a shared machine the wall clock measures the neighbours too.
      let t = threadMs();
      const lap = (step: (typeof steps)[number]): void => { const now = threadMs(); ms[step] += now - t; t = now; };
      if (LIGHT && !lightEligible(html, [collectArgsOf(spec)], spec.wait.selector)) throw new Error(`${url}: not eligible for the light tier`);
      const dom = LIGHT ? LightPage.open(html, url) ?? (() => { throw new Error(`${url}: not read on the light tier`); })() : new DomPage(html, url);
      lap('parse');
      const verdict = pageVerdict(dom, spec);
      lap('verdict');
      const raw = dom.evaluate(collectInPage, collectArgsOf(spec));
      lap('collect');
      const extraction = await postProcess(raw, spec, { fetchedAt: Date.now(), panel: null, timeZone: spec.timeZone }, { cpuMs: PATTERN_CPU_BUDGET_MS, wallMs: 10_000 });
      lap('postProcess');
      if (verdict(extraction.items.length > 0) !== null) throw new Error(`${url}: the verdict asks for a browser`);
      if (softFailureOf(dom, extraction.items.length > 0) !== null) throw new Error(`${url}: a soft failure`);
      lap('signals');
      dom.close();
      lap('close');
      if (round === 0) items.push(...extraction.items);
    }
  }
  const n = ROUNDS * pages.length;
  const cpu = process.cpuUsage(cpu0);
  const v = verify(items, fixture.expected.slice(0, PAGES * 20), fixture.base);
  console.log(table(['step', 'CPU ms/page'], [...steps.map((s) => [s, round(ms[s] / n, 2)]), ['process CPU (all threads, GC)', round((cpu.user + cpu.system) / 1000 / n, 2)],
    ['wall', round((performance.now() - t0) / n, 2)]]));
  console.log(`${n} pages, records ${verificationOk(v) ? 'exact' : `DIFFER: missing ${v.missing}, mismatched ${v.mismatched}`}, load ${(await import('node:os')).loadavg()[0]!.toFixed(2)}`);
  if (!verificationOk(v)) process.exitCode = 1;
} finally {
  await fixture.stop();
}
