import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskResult, fleetPaths, signRequest, type JobSpecInput } from '@trawl/schemas';
import { makeTask } from './fixtures.ts';
import { startRecordingEdge, type RecordingEdge } from './recording-edge.ts';

/**
 * Issue #9: a user's pattern cannot stall the fleet. A real fleet node process runs tasks whose fields apply
 * catastrophic patterns to 50,000-character texts of a real page in real Chromium, while /health is polled every
 * 10 ms on a fixed schedule (latency counted from when each poll was due, so a stalled loop shows in every poll it
 * delays), and compared with a control run of the same page without patterns. ADR 0022: linear-time patterns,
 * post-processing in a low-priority worker thread with a hard CPU budget.
 */
const SECRET = 'test-secret-0123456789abcdef';
const A = 'a'.repeat(50_000);
const WORDS = 'word '.repeat(10_000);
const SPARSE = `${'b'.repeat(10_000)}${'a'.repeat(20)}${'b'.repeat(10_000)}`;
const HUGE = 'a'.repeat(50_000);
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const row = (i: number): string => `<li class="row"><h2 class="name">Long  row ${i}</h2><p class="a">${A}!</p><p class="w">${esc(WORDS)}!</p><p class="s">${SPARSE}</p></li>`;
const PAGES: Record<string, string> = {
  '/long': `<!doctype html><html><body><ul>${[1, 2].map(row).join('')}</ul></body></html>`,
  '/huge': `<!doctype html><html><body><ul>${[1, 2, 3, 4].map((i) => `<li class="row"><p class="a">${HUGE}</p><span>${i}</span></li>`).join('')}</ul></body></html>`,
};

// No failure artifacts: the recording edge reads JSON only.
const NO_ARTIFACTS = { trace: 'off', har: 'off', screenshots: 'off' } as const;
const CATASTROPHIC: Omit<JobSpecInput, 'startUrls'> = {
  itemSelector: 'li.row',
  artifacts: NO_ARTIFACTS,
  fields: {
    name: { selector: '.name', process: [{ op: 'replace', pattern: '\\s+', with: '-' }, { op: 'lowercase' }] },
    nested: { selector: '.a', process: [{ op: 'regex', pattern: '(a+)+$', group: 0 }] },
    alternation: { selector: '.a', process: [{ op: 'regex', pattern: '(a|aa)+$', group: 0 }] },
    optional: { selector: '.a', process: [{ op: 'regex', pattern: '(a|a?)+$', group: 1 }] },
    letters: { selector: '.a', process: [{ op: 'regex', pattern: '([a-zA-Z]+)*$', group: 0 }] },
    words: { selector: '.w', process: [{ op: 'regex', pattern: '(\\w+\\s?)*$', group: 0 }] },
    twenty: { selector: '.s', process: [{ op: 'regex', pattern: '(.*a){20}', group: 1 }] },
    stripped: { selector: '.a', process: [{ op: 'replace', pattern: '(a|aa)+!', with: '<$1>' }] },
  },
};

let edge: RecordingEdge;
let site: Server;
let siteUrl = '';
let fleet: ChildProcess;
let fleetUrl = '';
let baseP99 = 0;

beforeAll(async () => {
  edge = await startRecordingEdge(SECRET);
  site = createServer((req, res) => res.writeHead(PAGES[req.url ?? ''] ? 200 : 404, { 'content-type': 'text/html' }).end(PAGES[req.url ?? ''] ?? ''));
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  fleet = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: new URL('..', import.meta.url).pathname,
    env: { ...process.env, FLEET_SECRET: SECRET, FLEET_PORT: '0', TRAWL_EDGE_URL: edge.url, FLEET_EGRESS_ALLOW: new URL(siteUrl).host, FLEET_WARM_CONTEXTS: '0', FLEET_HEARTBEAT_MS: '1000' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  fleetUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    fleet.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /FLEET READY (\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    fleet.once('exit', (code) => reject(new Error(`fleet node exited with ${code}`)));
  });
  // The first requests of a fresh process (this one's fetch, the node's server) pay for lazy loading: not a stall.
  for (let i = 0; i < 20; i++) await (await fetch(`${fleetUrl}${fleetPaths.health}`)).arrayBuffer();
  // The control: the same page and fields without patterns. What the node shows here is the machine's (and the
  // page's) own latency; on a quiet machine it is a few ms, on a shared 2-core one with a dozen busy processes,
  // hundreds. The pattern runs may add at most 100 ms to it.
  const control = pollHealth();
  const plain = Object.fromEntries(Object.entries(CATASTROPHIC.fields).map(([k, f]) => [k, { selector: f.selector, process: [{ op: 'lowercase' as const }] }]));
  await Promise.all([await offer('/long', { ...CATASTROPHIC, fields: plain }), await offer('/long', { ...CATASTROPHIC, fields: plain })].map(resultOf));
  const base = await control.stop();
  baseP99 = p99(base);
  console.log(`/health without patterns: ${base.length} polls, p99 ${baseP99.toFixed(1)} ms, max ${Math.max(...base).toFixed(1)} ms`);
}, 120_000);

afterAll(async () => {
  if (fleet && fleet.exitCode === null) {
    const exited = new Promise((r) => fleet.once('exit', r));
    fleet.kill('SIGTERM');
    // A node whose main thread is stuck (the old RegExp path) cannot handle SIGTERM.
    const stuck = setTimeout(() => fleet.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(stuck);
  }
  await Promise.all([edge?.close(), new Promise((r) => site?.close(r))]);
}, 60_000);

/** Polls /health every 10 ms on a fixed schedule until stopped; each latency runs from when the poll was due. */
function pollHealth(): { stop: () => Promise<number[]> } {
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    const start = performance.now();
    for (let k = 0; running; k++) {
      const due = start + k * 10;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const res = await fetch(`${fleetUrl}${fleetPaths.health}`);
      await res.arrayBuffer();
      expect(res.status).toBe(200);
      latencies.push(performance.now() - due);
    }
  })();
  return { stop: async () => (running = false, await loop, latencies) };
}

const p99 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)] ?? Infinity;

async function offer(path: string, spec: Omit<JobSpecInput, 'startUrls'>): Promise<string> {
  const task = makeTask(`${siteUrl}${path}`, { edgeUrl: edge.url, deadline: Date.now() + 90_000, leaseMs: 10_000 }, spec);
  const body = JSON.stringify(task);
  const res = await fetch(`${fleetUrl}${fleetPaths.tasks}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...(await signRequest(SECRET, 'POST', fleetPaths.tasks, body)) } });
  expect(res.status).toBe(202);
  return task.taskId;
}

async function resultOf(taskId: string): Promise<TaskResult> {
  return TaskResult.parse((await edge.waitFor((c) => c.kind === 'result' && c.path.includes(`/${taskId}/`), 120_000)).body);
}

describe('user patterns and /health (issue #9)', () => {
  it('catastrophic patterns on 50,000-character texts: fields come out right, /health p99 within 100 ms of the control', async () => {
    const poll = pollHealth();
    await new Promise((r) => setTimeout(r, 500));
    const ids = [await offer('/long', CATASTROPHIC), await offer('/long', CATASTROPHIC)];
    const results = await Promise.all(ids.map(resultOf));
    await new Promise((r) => setTimeout(r, 500));
    const latencies = await poll.stop();
    console.log(`/health with patterns: ${latencies.length} polls, p99 ${p99(latencies).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`);
    for (const r of results) {
      expect(r.error).toBeUndefined();
      expect(r.outcome).toBe('succeeded');
      expect(r.items).toEqual([1, 2].map((i) => ({
        name: `long-row-${i}`, nested: null, alternation: null, optional: '', letters: '', words: '', twenty: 'a', stripped: `<a>`,
      })));
    }
    expect(latencies.length).toBeGreaterThan(100);
    expect(p99(latencies)).toBeLessThan(100 + baseP99);
  }, 180_000);

  it('a pattern that outlasts its budget fails its task with PATTERN_TIMEOUT and the field; the node goes on', async () => {
    // It matches (so the DFA check passes), and four times 50,000 characters by a program of 1,952 steps is about
    // 400 million NFA steps: tens of seconds of CPU, far beyond the 5 s budget on any machine.
    const slow: Omit<JobSpecInput, 'startUrls'> = { itemSelector: 'li.row', artifacts: NO_ARTIFACTS, fields: { n: { selector: 'span' }, slow: { selector: '.a', process: [{ op: 'regex', pattern: '(.*a){390}' }] } } };
    const poll = pollHealth();
    const failed = await resultOf(await offer('/huge', slow));
    const after = await resultOf(await offer('/long', { itemSelector: 'li.row', artifacts: NO_ARTIFACTS, fields: { name: { selector: '.name', process: [{ op: 'regex', pattern: 'row (\\d+)' }] } } }));
    const latencies = await poll.stop();
    console.log(`/health during the budget overrun: ${latencies.length} polls, p99 ${p99(latencies).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms`);
    expect(failed).toMatchObject({ outcome: 'failed', items: [], error: { code: 'PATTERN_TIMEOUT', field: 'slow' } });
    expect(after).toMatchObject({ outcome: 'succeeded', items: [{ name: '1' }, { name: '2' }] });
    // The node answered all along: run on the main thread, this pattern would hold /health for tens of seconds (its
    // NFA walk is ~400 million steps). The close latency comparison is the test above; this one only has to tell
    // "answering" from "stalled", so it must not fail on a loaded machine (a p99 bound here did, at load 10).
    expect(Math.max(...latencies)).toBeLessThan(2000);
  }, 180_000);
});
