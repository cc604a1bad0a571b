/**
 * The fast path's own throughput (ADR 0049), without the edge: the fleet's task executor on the shared fixture's
 * pages, forced over HTTP (`http-only`) and, for comparison, through the browser (`browser`), at each concurrency,
 * records checked against expected.json. The whole pipeline's figures come from run.ts (`--job 'http={"render":"http"}'`).
 *   node --import tsx bench/fast-path.ts [--pages 200] [--concurrency 1,2,4,8] [--modes http-only,browser] [--variants static,js]
 */
import { parseArgs } from 'node:util';
import { Task, type TaskRender, type TaskResult } from '@trawl/schemas';
import { BrowserPool } from '../browser-fleet/src/pool.ts';
import { executeTask } from '../browser-fleet/src/fast/render-executor.ts';
import { silentLogger } from '../browser-fleet/src/log.ts';
import { EgressProxy } from '../browser-fleet/src/egress/proxy.ts';
import { parseAllowance } from '../browser-fleet/src/egress/allowance.ts';
import { defaultChromiumPath } from '../browser-fleet/src/chromium-path.ts';
import { startFixture, verificationOk, verify, type Variant } from './lib/fixture.ts';
import { percentile, round, table } from './lib/stats.ts';

const { values } = parseArgs({ options: {
  pages: { type: 'string', default: '200' }, concurrency: { type: 'string', default: '1,2,4,8' },
  modes: { type: 'string', default: 'http-only,browser' }, variants: { type: 'string', default: 'static' },
} });
const PAGES = Number(values.pages);
const SPEC = {
  itemSelector: 'article.product', artifacts: { trace: 'off', har: 'off', screenshots: 'off' },
  fields: {
    id: { source: 'attr', attr: 'data-id', required: true }, title: { selector: 'h2.title' },
    price: { selector: '.price', process: [{ op: 'number' }] }, rating: { selector: '.rating b', process: [{ op: 'number' }] },
    url: { selector: 'a.link', source: 'attr', attr: 'href', process: [{ op: 'absoluteUrl' }] },
    image: { selector: 'img', source: 'attr', attr: 'src', process: [{ op: 'absoluteUrl' }] },
  },
};

const fixture = await startFixture({ pages: PAGES });
const pool = await new BrowserPool({ browsers: 1, chromiumPath: defaultChromiumPath(), log: silentLogger }).start();
const egress = new EgressProxy({ allow: parseAllowance(new URL(fixture.base).host) });
let seq = 0;
const rows: Array<Array<string | number>> = [];
try {
  for (const variant of values.variants.split(',') as Variant[]) {
    for (const c of values.concurrency.split(',').map(Number)) {
      for (const mode of values.modes.split(',') as TaskRender[]) {
        const urls = fixture.urls(variant);
        const results: TaskResult[] = [];
        const times: number[] = [];
        let next = 0;
        const t0 = performance.now();
        const cpu0 = process.cpuUsage();
        await Promise.all(Array.from({ length: c }, async () => {
          while (next < urls.length) {
            const url = urls[next++]!;
            seq++;
            const task = Task.parse({ runId: 'run_bench', orgId: 'org_bench', taskId: `tsk_${seq}`, attempt: 1, leaseToken: `l_${seq}`, url, depth: 0,
              spec: SPEC, deadline: Date.now() + 30_000, edgeUrl: 'http://127.0.0.1:9', leaseMs: 30_000, render: { mode, reason: 'sampling' } });
            const t = performance.now();
            results.push(await executeTask(task, pool, { nodeId: 'bench', egress }));
            times.push(performance.now() - t);
          }
        }));
        const secs = (performance.now() - t0) / 1000;
        const cpu = process.cpuUsage(cpu0);
        const v = verify(results.flatMap((r) => r.items), fixture.expected.slice(0, PAGES * 20), fixture.base);
        rows.push([variant, mode, c, round(urls.length / secs, 1), round(percentile(times, 0.95)), round((cpu.user + cpu.system) / 1000 / urls.length, 1),
          results.filter((r) => r.render?.mode === 'http').length, verificationOk(v) ? 'exact' : `missing ${v.missing}, mismatched ${v.mismatched}`]);
        console.log(rows.at(-1)!.join('  '));
      }
    }
  }
  console.log(table(['variant', 'mode', 'concurrency', 'pages/s', 'p95 ms', 'node CPU ms/page', 'pages over http', 'records'], rows));
} finally {
  await pool.close();
  await fixture.stop();
}
