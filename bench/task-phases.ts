/**
 * Where one task's browser time and CPU go: the fleet's runner (runTask) on the shared fixture's static pages,
 * one task at a time, with settings switched off one by one, interleaved page by page (the machine is shared).
 * Reports per setting: mean task ms and its phases, and CPU ms per task of Chromium's process tree and of Node.
 *   node --import tsx bench/task-phases.ts [--pages 60]
 */
import { parseArgs } from 'node:util';
import { Task } from '@trawl/schemas';
import { BrowserPool } from '../browser-fleet/src/pool.ts';
import { runTask } from '../browser-fleet/src/runner.ts';
import { silentLogger } from '../browser-fleet/src/log.ts';
import { EgressProxy } from '../browser-fleet/src/egress/proxy.ts';
import { parseAllowance } from '../browser-fleet/src/egress/allowance.ts';
import { ArtifactRecorder } from '../browser-fleet/src/artifacts/recorder.ts';
import { startFixture } from './lib/fixture.ts';
import { treeCpuSeconds } from './lib/cpu.ts';
import { defaultChromiumPath } from '../browser-fleet/src/chromium-path.ts';

const { values } = parseArgs({ options: { pages: { type: 'string', default: '60' } } });
const PAGES = Number(values.pages);

interface Setting { proxy: boolean; spec: Record<string, unknown> }
const OFF = { trace: 'off', har: 'off', screenshots: 'off' };
const SETTINGS: Record<string, Setting> = {
  default: { proxy: true, spec: {} },
  'no trace': { proxy: true, spec: { artifacts: OFF } },
  'no proxy': { proxy: false, spec: {} },
  'no soft/robots': { proxy: true, spec: { softFailures: false, respectRobots: false } },
  minimal: { proxy: false, spec: { artifacts: OFF, softFailures: false, respectRobots: false } },
};

const fixture = await startFixture({ pages: PAGES });
const pool = await new BrowserPool({ browsers: 1, chromiumPath: defaultChromiumPath(), log: silentLogger }).start();
const egress = new EgressProxy({ allow: parseAllowance(new URL(fixture.base).host) });
const chromiumPid = pool.pids()[0]!;
const spec = {
  itemSelector: 'article.product',
  fields: {
    id: { selector: ':scope', source: 'attr', attr: 'data-id' },
    title: { selector: 'h2.title' },
    price: { selector: '.price', process: [{ op: 'number' }] },
  },
};
type Row = { n: number; total: number; ctx: number; nav: number; wait: number; extract: number; chromeCpu: number; nodeCpu: number };
const rows = new Map(Object.keys(SETTINGS).map((k) => [k, { n: 0, total: 0, ctx: 0, nav: 0, wait: 0, extract: 0, chromeCpu: 0, nodeCpu: 0 } as Row]));
let seq = 0;
try {
  const urls = fixture.urls('static');
  for (let i = 0; i < urls.length; i++) {
    for (const [name, s] of Object.entries(SETTINGS)) {
      seq++;
      const task = Task.parse({
        runId: 'run_bench', orgId: 'org_bench', taskId: `tsk_${seq}`, attempt: 1, leaseToken: `lease_${seq}`, url: urls[i], depth: 0,
        spec: { ...spec, ...s.spec }, deadline: Date.now() + 15_000, edgeUrl: 'http://127.0.0.1:9', leaseMs: 30_000,
      });
      const c0 = treeCpuSeconds(chromiumPid);
      const n0 = process.cpuUsage();
      const recorder = await ArtifactRecorder.create(task.spec.artifacts);
      const r = await runTask(task, pool, { nodeId: 'bench', ...(recorder ? { observer: recorder } : {}), ...(s.proxy ? { egress } : {}) });
      await recorder?.collect(r.outcome === 'failed');
      if (r.outcome !== 'succeeded' || r.items.length !== 20) throw new Error(`${name}: ${JSON.stringify(r.error)} ${r.items.length}`);
      if (i < 3) continue; // warm-up
      const row = rows.get(name)!;
      const n1 = process.cpuUsage(n0);
      row.n++;
      row.total += r.timings.totalMs;
      row.ctx += r.timings.contextMs ?? 0;
      row.nav += r.timings.navigateMs ?? 0;
      row.wait += r.timings.waitMs ?? 0;
      row.extract += r.timings.extractMs ?? 0;
      row.chromeCpu += (treeCpuSeconds(chromiumPid) - c0) * 1000;
      row.nodeCpu += (n1.user + n1.system) / 1000;
    }
  }
  console.log('| setting | task ms | context | navigate | wait | extract | Chromium CPU ms | Node CPU ms |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const [name, r] of rows) {
    const m = (x: number): string => (x / r.n).toFixed(0);
    console.log(`| ${name} | ${m(r.total)} | ${m(r.ctx)} | ${m(r.nav)} | ${m(r.wait)} | ${m(r.extract)} | ${m(r.chromeCpu)} | ${m(r.nodeCpu)} |`);
  }
} finally {
  await Promise.all([pool.close(), fixture.stop()]);
}
