/**
 * Measures one task end to end on a local page per blocking strategy:
 *   node --import tsx browser-fleet/bench/task-timing.ts
 */
import { BrowserPool } from '../src/pool.ts';
import { runTask } from '../src/runner.ts';
import { silentLogger } from '../src/log.ts';
import type { BlockStrategy } from '../src/block-resources.ts';
import { startTestSite } from '../test/test-server.ts';
import { makeTask } from '../test/fixtures.ts';
import { defaultChromiumPath } from '../src/chromium-path.ts';

const N = Number(process.env.N ?? 30);
const pool = await new BrowserPool({ browsers: 1, chromiumPath: defaultChromiumPath(), log: silentLogger }).start();
const site = await startTestSite();
const pct = (xs: number[], p: number): number => xs.toSorted((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN;
try {
  // Strategies are interleaved per round: this machine is shared, so blocks in sequence would
  // measure the neighbours' load as much as the strategy.
  const strategies = ['fetch', 'urls', 'route', 'none'] as const;
  const stats = new Map(strategies.map((s) => [s, { totals: [] as number[], nav: [] as number[], ctx: [] as number[], imgs: 0 }]));
  for (let round = 0; round < N + 2; round++) {
    for (const strategy of strategies) {
      const blockResources = strategy === 'none' ? [] : ['image', 'font', 'media'];
      const task = makeTask(`${site.url}/listing`, {}, { browser: { blockResources, waitUntil: 'load' } });
      const imgBefore = site.hits('/img/');
      const r = await runTask(task, pool, { nodeId: 'bench', blockStrategy: strategy === 'none' ? 'fetch' : (strategy as BlockStrategy) });
      if (r.outcome !== 'succeeded') throw new Error(JSON.stringify(r.error));
      if (round < 2) continue; // warm-up
      const st = stats.get(strategy)!;
      st.totals.push(r.timings.totalMs);
      st.nav.push(r.timings.navigateMs ?? 0);
      st.ctx.push(r.timings.contextMs ?? 0);
      st.imgs += site.hits('/img/') - imgBefore;
    }
  }
  for (const [strategy, st] of stats) {
    console.log(JSON.stringify({ strategy, n: N, totalP50: pct(st.totals, 0.5), totalP95: pct(st.totals, 0.95), navigateP50: pct(st.nav, 0.5), contextP50: pct(st.ctx, 0.5), imageHits: st.imgs }));
  }
} finally {
  await Promise.all([pool.close(), site.close()]);
}
