/**
 * Cost of each artifact setting: task time (run + recording + reading the files) and bytes kept, over a
 * 200-page local crawl of a 20-item listing, half of the pages failing (an explicit wait that never matches),
 * so on-failure settings are measured both ways. Settings are interleaved per page (the machine is shared).
 *   node --import tsx browser-fleet/bench/artifact-cost.ts        (PAGES=200 by default)
 * Figures for PAGES=200 (quiet machine, headless shell) are in bench/README.md ("Cost of artifacts").
 */
import type { ArtifactsSpec } from '@trawl/schemas';
import { ArtifactRecorder } from '../src/artifacts/recorder.ts';
import { BrowserPool } from '../src/pool.ts';
import { runTask } from '../src/runner.ts';
import { silentLogger } from '../src/log.ts';
import { startTestSite } from '../test/test-server.ts';
import { makeTask } from '../test/fixtures.ts';
import { defaultChromiumPath } from '../src/chromium-path.ts';

const PAGES = Number(process.env.PAGES ?? 200);
const SETTINGS: Record<string, ArtifactsSpec> = {
  off: { trace: 'off', har: 'off', screenshots: 'off' },
  // The default (trace on-retry) records a first attempt as the first row below and a retry as the second.
  'default, first attempt (shot on failure)': { trace: 'off', har: 'off', screenshots: 'on-failure' },
  'default on a retry = trace on-failure (+shot)': { trace: 'on-failure', har: 'off', screenshots: 'on-failure' },
  'all on failure': { trace: 'on-failure', har: 'on-failure', screenshots: 'on-failure' },
  'trace always': { trace: 'always', har: 'off', screenshots: 'off' },
  'har always': { trace: 'off', har: 'always', screenshots: 'off' },
  'screenshot final': { trace: 'off', har: 'off', screenshots: 'final' },
  'all always, each step': { trace: 'always', har: 'always', screenshots: 'each-step' },
};
const pool = await new BrowserPool({ browsers: 1, chromiumPath: defaultChromiumPath(), log: silentLogger }).start();
const site = await startTestSite();
const rows = new Map(Object.keys(SETTINGS).map((k) => [k, { ok: [] as number[], fail: [] as number[], bytesOk: 0, bytesFail: 0 }]));
try {
  for (let page = 0; page < PAGES; page++) {
    const failing = page % 2 === 1;
    for (const [name, artifacts] of Object.entries(SETTINGS)) {
      const task = makeTask(`${site.url}/listing`, {}, { artifacts, ...(failing ? { wait: { selector: '#never', timeoutMs: 300 } } : {}) });
      const t = performance.now();
      const recorder = await ArtifactRecorder.create(artifacts);
      const r = await runTask(task, pool, { nodeId: 'bench', ...(recorder ? { observer: recorder } : {}) });
      const files = await recorder?.collect(r.outcome === 'failed') ?? [];
      const ms = performance.now() - t;
      const row = rows.get(name)!;
      const bytes = files.reduce((n, f) => n + f.bytes.byteLength, 0);
      if (failing) { row.fail.push(ms); row.bytesFail += bytes; } else { row.ok.push(ms); row.bytesOk += bytes; }
    }
  }
  const mean = (xs: number[]) => (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(0);
  console.log(`| setting | ms/task ok | ms/task failing | bytes kept, ${PAGES / 2} ok pages | bytes kept, ${PAGES / 2} failing pages |`);
  console.log('|---|---|---|---|---|');
  for (const [name, r] of rows) console.log(`| ${name} | ${mean(r.ok)} | ${mean(r.fail)} | ${(r.bytesOk / 1024).toFixed(0)} KiB | ${(r.bytesFail / 1024).toFixed(0)} KiB |`);
} finally {
  await Promise.all([pool.close(), site.close()]);
}
