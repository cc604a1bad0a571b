/**
 * Trawl's throughput benchmark on the shared fixture site (see bench/README.md):
 *
 *   npm run bench -- [--variants static,js] [--concurrency 1,2,4,8] [--pages 200] [--baseline]
 *                    [--fixture PATH] [--slots N] [--lease-ms MS] [--echo]
 *
 * For each variant and concurrency: a fresh fleet node (slots = the concurrency, or --slots when
 * larger), a job over the fixture's start URLs, one run through the public API, its event stream,
 * its results checked against expected.json, and the fleet's memory sampled from /proc.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import type { JobSpecInput, RunEvent } from '@trawl/schemas';
import { createOrg, hostPorts, nodeProcessOf, startEdge, startFleet, ROOT } from '../scripts/lib/stack.ts';
import { Api, health } from './lib/api.ts';
import { startFixture, verificationOk, verify, type Variant, type Verification } from './lib/fixture.ts';
import { captureLines, jsonOf, type Line } from './lib/lines.ts';
import { byKind, sampleRss, type ProcMem } from './lib/rss.ts';
import { meterCpu, procCpuSeconds, treeCpuSeconds } from './lib/cpu.ts';
import { installInterruptHandlers, onInterrupt } from './lib/cleanup.ts';
import { mean, percentile, round, table } from './lib/stats.ts';
import { baselineTable, type BaselineResult } from './baseline.ts';
import type { CrawleeKind, CrawleeResult } from './crawlee.ts';
import { runInChild } from './lib/child-run.ts';
import { HEADLESS_SHELL, defaultChromiumPath } from '../browser-fleet/src/chromium-path.ts';
import { GRID_HEADER, gridCells, gridRows } from './lib/grid.ts';
import { EDGE_CPU, SCRAPER_CPU, affinityOf, checkPinning, pinTree } from './lib/pin.ts';

/** The fixture README's "bare playwright-core over CDP" row (200 static pages, a 2-core machine of this kind), by concurrency. */
const README_BARE_STATIC: Record<number, number> = { 1: 3.3, 2: 4.3, 4: 4.1, 8: 4.3 };

const { values: args } = parseArgs({ options: {
  variants: { type: 'string', default: 'static,js' },
  concurrency: { type: 'string', default: '1,2,4,8' },
  pages: { type: 'string', default: '200' },
  fixture: { type: 'string' },
  baseline: { type: 'boolean', default: false },
  'baseline-modes': { type: 'string', default: 'bare,bare-blocked' },
  slots: { type: 'string', default: '16' },
  'lease-ms': { type: 'string', default: '30000' },
  echo: { type: 'boolean', default: false },
  /** Keep the deployment's politeness defaults (4 pages at once per site, 250 ms + jitter between starts). */
  politeness: { type: 'boolean', default: false },
  /**
   * The baselines run Chromium with --no-sandbox (a root shell cannot start it sandboxed); so does the benchmark's
   * fleet node by default, so Trawl and bare compare like for like. This keeps the fleet's sandbox on (production).
   */
  'fleet-sandbox': { type: 'boolean', default: false },
  /** Also run Crawlee (bench/crawlee.ts) right after each Trawl run at the same settings: these crawler kinds. */
  crawlee: { type: 'string', default: '' },
  /** NAME=JSON, repeatable: job spec settings merged over the benchmark's job, each run in turn (A/B comparisons). */
  job: { type: 'string', multiple: true, default: [] },
  /** NAME=K=V[,K=V], repeatable: the fleet node's environment for the job variant NAME (A/B of node settings in one run). */
  'fleet-env': { type: 'string', multiple: true, default: [] },
  /** The edge (wrangler dev + workerd) and the fixture site on CPU 0, every scraper under test on CPU 1 (bench/lib/pin.ts). */
  'pin-edge': { type: 'boolean', default: false },
} });
const fleetEnvFor = new Map<string, Record<string, string>>(args['fleet-env'].map((e) => {
  const at = e.indexOf('=');
  if (at < 1) throw new Error(`--fleet-env takes NAME=K=V[,K=V], got ${e}`);
  return [e.slice(0, at), Object.fromEntries(e.slice(at + 1).split(',').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]))];
}));
const jobVariants: Array<{ name: string; extra: Record<string, unknown> }> = args.job.length
  ? args.job.map((j) => {
    const at = j.indexOf('=');
    if (at < 1) throw new Error(`--job takes NAME=JSON, got ${j}`);
    return { name: j.slice(0, at), extra: JSON.parse(j.slice(at + 1)) as Record<string, unknown> };
  })
  : [{ name: 'default', extra: {} }];
const variants = args.variants.split(',').map((v) => v.trim()) as Variant[];
for (const v of variants) if (v !== 'static' && v !== 'js') throw new Error(`unknown variant ${v} (static, js)`);
const levels = args.concurrency.split(',').map(Number);
if (levels.some((c) => !Number.isInteger(c) || c < 1 || c > 64)) throw new Error(`bad --concurrency ${args.concurrency}`);
const pages = Number(args.pages);

export function jobSpec(urls: readonly string[], concurrency: number): JobSpecInput {
  return {
    startUrls: [...urls],
    itemSelector: 'article.product',
    fields: {
      id: { source: 'attr', attr: 'data-id', required: true },
      title: { selector: 'h2.title' },
      price: { selector: '.price', process: [{ op: 'number' }] },
      rating: { selector: '.rating b', process: [{ op: 'number' }] },
      url: { selector: 'a.link', source: 'attr', attr: 'href', process: [{ op: 'absoluteUrl' }] },
      image: { selector: 'img', source: 'attr', attr: 'src', process: [{ op: 'absoluteUrl' }] },
    },
    concurrency,
    limits: { maxPages: Math.max(1000, urls.length) },
  };
}

interface Breakdown {
  /** Result applied (or run created) -> the fleet node accepted the next task: coordinator pump, queue, consumer, offer. */
  dispatchMs: number;
  /** Accepted -> the coordinator recorded the start (the node's start call). */
  startMs: number;
  /** The fleet's own task time (timings.totalMs): context, navigation, wait, extraction. */
  browserMs: number;
  /** Start recorded + browser time -> result applied: the start answer's way back, the events flush and the result post. */
  reportMs: number;
  /** Result applied -> the node has its answer and frees the slot (the coordinator's pump and queue send are awaited in it). */
  releaseMs: number;
  tasks: number;
  /** Per task, ms since POST /runs: accepted by the node, start recorded, result applied, answer back at the node; and totalMs. */
  perTask: Array<{ i: number; accepted: number; started: number; applied: number; delivered: number | null; totalMs: number }>;
}

export interface TrawlResult {
  scraper: 'trawl';
  /** The --job variant's name ('default' without --job) and the settings it merged over the job. */
  job: string;
  jobExtra: Record<string, unknown>;
  variant: Variant;
  concurrency: number;
  slots: number;
  pages: number;
  runId: string;
  status: string;
  counts: Record<string, number>;
  /** Pages rendered over HTTP and in the browser, and why (the run's counts.render, ADR 0049). */
  render?: unknown;
  /** POST /runs -> the run's finishedAt. */
  wallMs: number;
  /** The run's own finishedAt - startedAt (first task start to end). */
  runMs: number;
  /** POST /runs -> the run's startedAt (first task started). */
  firstTaskMs: number;
  pagesPerSec: number;
  p50TaskMs: number;
  p95TaskMs: number;
  meanTaskMs: number;
  /** (wall x concurrency / pages) - mean task time: slot time per page not spent in the browser. */
  overheadPerTaskMs: number;
  breakdown: Breakdown;
  timingsMean: Record<string, number>;
  queueRetries: number;
  taskRetries: number;
  taskFailures: number;
  peakRssBytes: number;
  /** The node process (main.ts) alone, without its Chromium. */
  nodePeakRssBytes?: number;
  /** The PSS sum's peak over the tree, and each process at the RSS peak (ADR 0065). */
  peakPssBytes?: number;
  atPeak?: ProcMem[];
  peakProcesses: number;
  /** CPU seconds used during the run by the fleet's Node process, its Chromium, the edge (wrangler + workerd), this script, and the machine. */
  cpu: Record<string, number>;
  verification: Verification;
  /** With --pin-edge: the CPUs the fleet node process was allowed (taskset -p), else absent (shared cores). */
  fleetCpus?: string;
}

const byUrlIndex = (urls: readonly string[]) => {
  const idx = new Map(urls.map((u, i) => [u, i]));
  return (u: string | undefined) => idx.get(u ?? '') ?? -1;
};

/** Per-task timeline from the coordinator's events and the node's log lines (one clock: same machine). */
function breakdownOf(urls: readonly string[], concurrency: number, t0: number, events: readonly RunEvent[], fleetLines: readonly Line[]): Breakdown {
  const indexOf = byUrlIndex(urls);
  const accepted = new Map<string, number>();
  const delivered = new Map<string, number>();
  for (const l of fleetLines) {
    const j = jsonOf(l.text);
    if (!j || typeof j.taskId !== 'string') continue;
    const ts = Date.parse(String(j.ts));
    if (j.msg === 'task accepted' && !accepted.has(j.taskId)) accepted.set(j.taskId, ts);
    if (typeof j.msg === 'string' && j.msg.startsWith('task succeeded')) delivered.set(j.taskId, ts);
  }
  const started = new Map<string, number>();
  const succeeded: Array<{ taskId: string; index: number; ts: number; totalMs: number }> = [];
  for (const e of events) {
    if (!e.taskId) continue;
    if (e.type === 'task.started' && !started.has(e.taskId)) started.set(e.taskId, e.ts);
    if (e.type === 'task.succeeded') {
      const timings = (e.data as { timings?: { totalMs?: number } } | undefined)?.timings;
      succeeded.push({ taskId: e.taskId, index: indexOf(e.url), ts: e.ts, totalMs: timings?.totalMs ?? Number.NaN });
    }
  }
  const completions = succeeded.map((s) => s.ts).toSorted((a, b) => a - b);
  const parts: Record<Exclude<keyof Breakdown, 'tasks' | 'perTask'>, number[]> = { dispatchMs: [], startMs: [], browserMs: [], reportMs: [], releaseMs: [] };
  const perTask: Breakdown['perTask'] = [];
  for (const s of succeeded) {
    const a = accepted.get(s.taskId);
    const st = started.get(s.taskId);
    const d = delivered.get(s.taskId);
    if (a === undefined || st === undefined || s.index < 0) continue;
    // Tasks are dispatched oldest first, one per freed slot: task i >= c went out after the (i-c+1)-th result.
    const trigger = s.index < concurrency ? t0 : completions[s.index - concurrency];
    if (trigger !== undefined) parts.dispatchMs.push(a - trigger);
    parts.startMs.push(st - a);
    parts.browserMs.push(s.totalMs);
    parts.reportMs.push(s.ts - st - s.totalMs);
    if (d !== undefined) parts.releaseMs.push(d - s.ts);
    perTask.push({ i: s.index, accepted: a - t0, started: st - t0, applied: s.ts - t0, delivered: d === undefined ? null : d - t0, totalMs: s.totalMs });
  }
  return {
    dispatchMs: round(mean(parts.dispatchMs), 1), startMs: round(mean(parts.startMs), 1), browserMs: round(mean(parts.browserMs), 1),
    reportMs: round(mean(parts.reportMs), 1), releaseMs: round(mean(parts.releaseMs), 1), tasks: parts.browserMs.length,
    perTask: perTask.toSorted((x, y) => x.i - y.i),
  };
}

async function waitFor<T>(what: string, fn: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => null);
    if (v !== null) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const version = (bin: string): string => { try { return execFileSync(bin, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim(); } catch { return 'unknown'; } };
const mark = (x: number | null): string => (x === null ? '-' : `${x}${x < 0.9 ? ' (<0.9)' : ''}`);

/** Writes (and rewrites after every measurement, so an interrupted benchmark keeps what it measured) the results file. */
function save(startedAt: Date, trawl: readonly TrawlResult[], baseline: readonly BaselineResult[], ratios: readonly unknown[], crawlee: readonly CrawleeResult[] = []): string {
  // The fleet launches its default browser (the headless shell when installed); the baselines full Chromium.
  const chromiumVersion = { fleet: `${defaultChromiumPath()}: ${version(defaultChromiumPath())}`, baseline: `/usr/bin/chromium: ${version('/usr/bin/chromium')} (modes ending in @shell: ${HEADLESS_SHELL})` };
  const out = {
    startedAt: startedAt.toISOString(), savedAt: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memBytes: totalmem(), node: process.version, chromium: chromiumVersion,
      commit: (() => { try { return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT }).toString().trim(); } catch { return 'unknown'; } })(),
      // Other work in progress in the tree is measured too: list it.
      dirty: (() => { try { return execFileSync('git', ['status', '--short', '--untracked-files=no'], { cwd: ROOT }).toString().split('\n').filter(Boolean); } catch { return []; } })() },
    options: { variants, concurrency: levels, pages, slots: args.slots, politeness: args.politeness, leaseMs: Number(args['lease-ms']), jobs: jobVariants, pinning },
    trawl, baseline, crawlee, ratios, grid: gridRows(trawl, baseline, crawlee),
  };
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  return file;
}

/** What --pin-edge did (null: nothing pinned, every process shares every core). */
let pinning: { edgeCpu: number; scraperCpu: number; edge: string; fixture: string; bench: string } | null = null;

async function main(): Promise<void> {
  const startedAt = new Date();
  installInterruptHandlers();
  // Pinned before anything starts: the fleet nodes, the baselines' Chromium and Crawlee inherit this process's CPU.
  if (args['pin-edge']) {
    checkPinning();
    pinTree(process.pid, SCRAPER_CPU);
  }
  const fixture = await startFixture({ path: args.fixture, pages });
  onInterrupt(() => fixture.stop());
  if (args['pin-edge']) pinTree(fixture.proc.child.pid!, EDGE_CPU);
  console.log(`fixture ${fixture.base} (${fixture.expected.length} products)`);
  const persistDir = mkdtempSync(join(tmpdir(), 'trawl-bench-edge-'));
  const secret = randomBytes(24).toString('hex');
  const adminToken = randomBytes(24).toString('hex');
  const edge = await startEdge({
    persistDir, echo: args.echo,
    vars: { ENVIRONMENT: 'test', FLEET_SECRET: secret, ADMIN_TOKEN: adminToken, LEASE_MS: args['lease-ms'], DISPATCH_TIMEOUT_MS: '120000',
      RATE_LIMIT_KEY_PER_MIN: '100000', RATE_LIMIT_ORG_PER_MIN: '100000',
      // The fixture is one site: the per-site politeness defaults would cap every run at 4 pages in flight and one
      // start per 250-375 ms, which the bare baseline does not have. --politeness keeps them.
      ...(args.politeness ? {} : { SITE_MAX_CONCURRENT: '64', SITE_MIN_DELAY_MS: '0', ORG_MAX_TASKS_IN_FLIGHT: '64' }) },
  });
  onInterrupt(() => edge.stop());
  const edgeLog = captureLines(edge.proc.child);
  console.log(`edge ${edge.url}`);
  if (args['pin-edge']) {
    const pinned = pinTree(edge.proc.child.pid!, EDGE_CPU);
    pinning = { edgeCpu: EDGE_CPU, scraperCpu: SCRAPER_CPU, edge: `${pinned.length} processes on CPU ${affinityOf(edge.proc.child.pid!)}`,
      fixture: `CPU ${affinityOf(fixture.proc.child.pid!)}`, bench: `CPU ${affinityOf(process.pid)}` };
  }
  console.log(pinning
    ? `pinning: edge (wrangler dev + workerd, ${pinning.edge}) and fixture (${pinning.fixture}) on CPU ${EDGE_CPU}; scrapers (fleet node + Chromium, bare script, Crawlee, this process: ${pinning.bench}) on CPU ${SCRAPER_CPU}`
    : 'pinning: none (edge, fixture and scrapers share every core; --pin-edge pins them apart)');
  const results: TrawlResult[] = [];
  const baseline: BaselineResult[] = [];
  const crawlee: CrawleeResult[] = [];
  try {
    const org = await createOrg(edge.url, adminToken, 'Bench');
    const api = new Api(edge.url, org.key);
    for (const variant of variants) {
      const urls = fixture.urls(variant);
      for (const concurrency of levels) {
        const slots = args.slots === 'match' ? concurrency : Math.max(concurrency, Number(args.slots));
        // NAME@static=JSON runs that job on the static variant only (a forced `http` loses every js page by design).
        for (const jv of jobVariants.filter((j) => !j.name.includes('@') || j.name.endsWith(`@${variant}`))) {
        const fleet = await startFleet({ edgeUrl: edge.url, secret, allow: hostPorts(fixture.base), slots, nodeId: `bench-${variant}-${concurrency}`, echo: args.echo,
          // Fast-path tasks take http slots (ADR 0058): room for the coordinator's fast lane at this concurrency.
          env: { FLEET_HTTP_SLOTS: String(Math.max(16, 4 * slots)), ...(args['fleet-sandbox'] ? {} : { FLEET_CHROMIUM_NO_SANDBOX: 'true' }), ...fleetEnvFor.get(jv.name) } });
        const forgetFleet = onInterrupt(() => fleet.kill());
        const fleetLog = captureLines(fleet.proc.child);
        try {
          // The node is dispatched to once the edge has its heartbeat with every slot free.
          await waitFor('the fleet node to register', async () => {
            const h = await health(edge.url);
            return h.fleet.nodes >= 1 && h.fleet.freeSlots >= slots ? h : null;
          }, 30_000);
          const fleetPid = fleet.proc.child.pid!;
          // The supervisor runs the node process (main.ts), whose children are its Chromium's: split the tree so the
          // node's own CPU and memory are told apart from the browser's (ADR 0062).
          const nodePid = nodeProcessOf(fleetPid);
          const rss = sampleRss(fleetPid, 250, true, true);
          const nodeRss = sampleRss(nodePid, 250, false);
          const cpu = meterCpu({
            fleetNode: () => procCpuSeconds(nodePid, false),
            chromium: () => treeCpuSeconds(fleetPid, new Set([fleetPid, nodePid])),
            edge: () => treeCpuSeconds(edge.proc.child.pid!),
            bench: () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; },
          });
          // Anything the edge started since (workerd restarts) goes back to its CPU; the node's affinity is recorded.
          if (pinning) pinTree(edge.proc.child.pid!, EDGE_CPU);
          const fleetCpus = pinning ? affinityOf(nodePid) : undefined;
          const edgeMark = edgeLog.lines.length;
          const job = await api.createJob(`bench ${variant} c${concurrency} ${jv.name}`, { ...jobSpec(urls, concurrency), ...jv.extra } as JobSpecInput);
          const t0 = Date.now();
          const run = await api.startRun(job.id);
          await api.waitForEnd(run.id, 30 * 60_000);
          const mem = rss.stop();
          const nodeMem = nodeRss.stop();
          const cpuUsed = cpu.stop();
          const records = await api.results(run.id);
          const done = await api.getRun(run.id);
          const events = await api.events(run.id);
          const verification = verify(records, fixture.expected, fixture.base);

          const succeeded = events.filter((e) => e.type === 'task.succeeded');
          const timings = succeeded.map((e) => (e.data as { timings: Record<string, number> }).timings);
          const totals = timings.map((t) => t.totalMs ?? Number.NaN);
          const timingsMean: Record<string, number> = {};
          for (const k of ['waitForSlotMs', 'contextMs', 'navigateMs', 'waitMs', 'extractMs', 'totalMs']) timingsMean[k] = round(mean(timings.map((t) => t[k] ?? Number.NaN)), 1);
          const finishedAt = done.finishedAt ?? events.at(-1)?.ts ?? Date.now();
          const wallMs = finishedAt - t0;
          const edgeLines = edgeLog.since(edgeMark).map((l) => jsonOf(l.text)).filter((j): j is Record<string, unknown> => j?.runId === run.id);
          const r: TrawlResult = {
            scraper: 'trawl', job: jv.name, jobExtra: jv.extra, variant, concurrency, slots, pages: urls.length, runId: run.id, status: done.status, counts: Object.fromEntries(Object.entries(done.counts).filter((e): e is [string, number] => typeof e[1] === 'number')),
            render: (done.counts as { render?: unknown }).render,
            wallMs, runMs: done.startedAt && done.finishedAt ? done.finishedAt - done.startedAt : Number.NaN,
            firstTaskMs: done.startedAt ? done.startedAt - t0 : Number.NaN,
            pagesPerSec: round(urls.length / (wallMs / 1000), 2),
            p50TaskMs: percentile(totals, 0.5), p95TaskMs: percentile(totals, 0.95), meanTaskMs: round(mean(totals), 1),
            overheadPerTaskMs: round((wallMs * concurrency) / urls.length - mean(totals), 1),
            breakdown: breakdownOf(urls, concurrency, t0, events, fleetLog.lines),
            timingsMean,
            queueRetries: edgeLines.filter((j) => j.msg === 'no fleet node took the task; retrying').length,
            taskRetries: events.filter((e) => e.type === 'task.retrying').length,
            taskFailures: events.filter((e) => e.type === 'task.failed').length,
            peakRssBytes: mem.peakBytes, peakProcesses: mem.peakProcesses, nodePeakRssBytes: nodeMem.peakBytes, peakPssBytes: mem.peakPssBytes, atPeak: mem.atPeak, cpu: cpuUsed, verification,
            ...(fleetCpus ? { fleetCpus } : {}),
          };
          results.push(r);
          save(startedAt, results, baseline, [], crawlee);
          const ok = verificationOk(verification) ? `${records.length} records ok` : `RECORDS DIFFER: ${JSON.stringify({ ...verification, examples: undefined })} ${verification.examples.join(' | ')}`;
          console.log(`trawl[${jv.name}] ${variant} c=${concurrency} (slots ${slots}): ${r.status}, ${r.pagesPerSec} pages/s, p95 task ${r.p95TaskMs} ms, overhead ${r.overheadPerTaskMs} ms/task, `
            + `breakdown ${JSON.stringify({ ...r.breakdown, perTask: undefined })}, queue retries ${r.queueRetries}, peak RSS ${round(mem.peakBytes / 2 ** 20)} MB (node process ${round(nodeMem.peakBytes / 2 ** 20)}, PSS ${round(mem.peakPssBytes / 2 ** 20)}; at the peak ${JSON.stringify(byKind(mem.atPeak))}), cpu ${JSON.stringify(cpuUsed)}${fleetCpus ? ` (fleet pinned to CPU ${fleetCpus})` : ''}; render ${JSON.stringify(r.render ?? null)}; ${ok}`);
        } finally {
          await fleet.stop();
          forgetFleet();
        }
        }
        // Interleaved with Trawl's run at the same settings, so both see the same machine (it may be shared).
        if (args.baseline) {
          for (const mode of args['baseline-modes'].split(',')) {
            // `@shell` is a suffix on the browser, not the mode: bare-blocked@shell is blocked (it ran, and was labelled, as bare@shell).
            const kind = mode.replace(/@shell$/, '');
            // In a process of its own, built like the fleet's node (bench/lib/child-run.ts): its memory is Node client + Chromium.
            const b = await runInChild<BaselineResult>('baseline.ts', { urls, variant, concurrency, blocked: kind.endsWith('-blocked'), freshContext: kind.includes('-ctx'), freshPage: kind.includes('-page'), expected: fixture.expected, base: fixture.base,
              ...(mode.endsWith('@shell') ? { chromiumPath: HEADLESS_SHELL } : {}) });
            console.log(`${b.scraper} ${variant} c=${concurrency}: ${b.pagesPerSec} pages/s, p95 page ${b.p95PageMs} ms, peak RSS ${round(b.peakRssBytes / 2 ** 20)} MB `
              + `(Node client ${round((b.clientPeakRssBytes ?? 0) / 2 ** 20)}, Chromium ${round((b.chromiumPeakRssBytes ?? 0) / 2 ** 20)}, PSS ${round((b.peakPssBytes ?? 0) / 2 ** 20)}; at the peak ${JSON.stringify(byKind(b.atPeak ?? []))}), `
              + `cpu ${JSON.stringify(b.cpu)}; ${verificationOk(b.verification) ? 'records ok' : `RECORDS DIFFER (${b.failedPages} pages failed: ${b.firstError ?? ''})`}`);
            baseline.push(b);
            save(startedAt, results, baseline, [], crawlee);
          }
        }
        for (const kind of args.crawlee.split(',').filter(Boolean) as CrawleeKind[]) {
          const c = await runInChild<CrawleeResult>('crawlee.ts', { kind, urls, variant, concurrency, expected: fixture.expected, base: fixture.base });
          console.log(`${c.scraper} ${variant} c=${concurrency}: ${c.pagesPerSec} pages/s, p95 page ${c.p95PageMs} ms, peak RSS ${round(c.peakRssBytes / 2 ** 20)} MB (Node ${round(c.clientPeakRssBytes / 2 ** 20)}, PSS ${round(c.peakPssBytes / 2 ** 20)}; at the peak ${JSON.stringify(byKind(c.atPeak))}), cpu ${c.cpuSeconds} s; records ${c.records}`);
          crawlee.push(c);
          save(startedAt, results, baseline, [], crawlee);
        }
      }
    }
  } finally {
    await edge.stop();
    rmSync(persistDir, { recursive: true, force: true });
    await fixture.stop();
  }

  console.log(`\nTrawl (one fleet node, wrangler dev; ${pinning ? `pinned: edge and fixture on CPU ${EDGE_CPU}, scrapers on CPU ${SCRAPER_CPU}` : 'not pinned: every process on every core'})`);
  console.log(table(
    ['job', 'variant', 'conc', 'slots', 'pages/s', 'wall s', 'p50 task ms', 'p95 task ms', 'overhead ms/task', 'dispatch', 'start', 'report', 'release', 'q retries', 'peak RSS MB', 'cpu s node/chromium/edge', 'load', 'records ok'],
    results.map((r) => [r.job, r.variant, r.concurrency, r.slots, r.pagesPerSec, round(r.wallMs / 1000, 1), r.p50TaskMs, r.p95TaskMs, r.overheadPerTaskMs,
      r.breakdown.dispatchMs, r.breakdown.startMs, r.breakdown.reportMs, r.breakdown.releaseMs, r.queueRetries, round(r.peakRssBytes / 2 ** 20),
      `${r.cpu.fleetNode}/${r.cpu.chromium}/${r.cpu.edge}`, `${r.cpu.loadStart}-${r.cpu.loadEnd}`,
      verificationOk(r.verification) ? 'yes' : `NO (${r.verification.received}/${r.verification.expected}, ${r.verification.missing} missing, ${r.verification.mismatched} mismatched)`]),
  ));
  if (crawlee.length) {
    console.log('\nCrawlee 3 (same Chromium, sandbox off)');
    console.log(table(['scraper', 'variant', 'conc', 'pages/s', 'p95 page ms', 'peak RSS MB', 'cpu s', 'records'],
      crawlee.map((c) => [c.scraper, c.variant, c.concurrency, c.pagesPerSec, c.p95PageMs, round(c.peakRssBytes / 2 ** 20), c.cpuSeconds, c.records])));
  }
  const ratios: Array<{ variant: Variant; concurrency: number; trawl: number; bare: number; bareBlocked: number | null; ratio: number; ratioBlocked: number | null; ratioReference: number | null }> = [];
  if (baseline.length) {
    console.log(`\nBare playwright-core baseline\n${baselineTable(baseline)}`);
    for (const r of results.filter((x) => x.job === jobVariants[0]!.name)) {
      const bare = baseline.find((b) => b.scraper === 'bare' && b.variant === r.variant && b.concurrency === r.concurrency);
      const blocked = baseline.find((b) => b.scraper === 'bare-blocked' && b.variant === r.variant && b.concurrency === r.concurrency);
      if (!bare) continue;
      const reference = r.variant === 'static' ? README_BARE_STATIC[r.concurrency] : undefined;
      ratios.push({ variant: r.variant, concurrency: r.concurrency, trawl: r.pagesPerSec, bare: bare.pagesPerSec, bareBlocked: blocked?.pagesPerSec ?? null,
        ratio: round(r.pagesPerSec / bare.pagesPerSec, 2), ratioBlocked: blocked ? round(r.pagesPerSec / blocked.pagesPerSec, 2) : null,
        ratioReference: reference ? round(r.pagesPerSec / reference, 2) : null });
    }
    console.log('\nTrawl / bare (target >= 0.9; "README" is the fixture README\'s bare reference, static pages only)');
    console.log(table(['variant', 'conc', 'trawl pages/s', 'bare', 'trawl/bare', 'bare blocked', 'trawl/blocked', 'trawl/README'],
      ratios.map((x) => [x.variant, x.concurrency, x.trawl, x.bare, mark(x.ratio), x.bareBlocked ?? '-', mark(x.ratioBlocked), mark(x.ratioReference)])));
  }

  if (baseline.length || crawlee.length) {
    console.log(`\nThe grid (issue #15 §2): Trawl beside the limit (bare-blocked) and Crawlee, same run; fleet MB = the supervisor, the node process and its Chromium; limit MB = the bare script's Node process and its Chromium (ADR 0065)`);
    console.log(table(GRID_HEADER, gridRows(results, baseline, crawlee).map(gridCells)));
  }
  const file = save(startedAt, results, baseline, ratios, crawlee);
  console.log(`\nwrote ${file}`);
  const bad = results.filter((r) => !verificationOk(r.verification) || r.status !== 'succeeded');
  if (bad.length) {
    console.error(`${bad.length} run(s) did not collect exactly the expected records: ${bad.map((r) => `${r.variant} c=${r.concurrency} ${r.status}`).join(', ')}`);
    process.exitCode = 1;
  }
}

await main();
