/**
 * @trawl/sdk outside Node, against the real dev stack: the bundle sdk/scripts/bundle.ts makes, run by Deno with
 * network permission to the edge only, by Chromium on a page of another origin (CORS with an API key, events over
 * the key subprotocol), and by workerd (Miniflare) in a Worker's fetch handler (events by fetch upgrade). Each runs
 * the same flow (sdk-runtimes/flow.ts): list jobs, create a job, start a run, follow events, stream results.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { transformSync } from 'esbuild';
import { Miniflare } from 'miniflare';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { Trawl } from '@trawl/sdk';
import { bundleSdk } from '../../sdk/scripts/bundle.ts';
import { demoJobSpec } from '../../scripts/lib/demo-job.ts';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { launchChromium } from './browser.ts';
import { newOrg } from './client.ts';
import { expectedRecords } from './expected.ts';
import { signIn } from './people.ts';
import type { FlowInput, FlowOutput } from './sdk-runtimes/flow.ts';

const HERE = join(import.meta.dirname, 'sdk-runtimes');
const DENO = join(import.meta.dirname, '../../sdk/node_modules/.bin/deno');
const bySku = (rows: Array<Record<string, unknown>>) => rows.toSorted((a, b) => String(a.sku).localeCompare(String(b.sku)));

describe('@trawl/sdk in Deno, a browser and a Worker', () => {
  let dir: string;
  let fleet: FleetNode;
  let key: string;
  let node: Trawl;
  let sharedJob: string;
  let flowJs: string;
  const input = (runtime: string): FlowInput => ({
    baseUrl: inject('edgeUrl'), apiKey: key, listQuery: 'runtimes shared', jobName: `runtimes ${runtime}`, spec: demoJobSpec(inject('demoUrl')),
  });
  /** What every runtime must have seen: the shared job listed, its run's events (as the log has them), the demo's records. */
  async function expectFlow(out: FlowOutput, runtime: string) {
    expect(out.listed).toEqual([sharedJob]);
    expect((await node.jobs.get(out.jobId)).name).toBe(`runtimes ${runtime}`);
    expect(out.seqs).toEqual((await node.runs.logs(out.runId)).map((e) => e.seq));
    expect([out.lastType, out.status]).toEqual(['run.finished', 'succeeded']);
    expect(bySku(out.records)).toEqual(bySku(expectedRecords(inject('demoUrl'))));
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trawl-sdk-runtimes-'));
    let org: Awaited<ReturnType<typeof newOrg>>;
    [org, fleet] = await Promise.all([
      newOrg('SDK runtimes'),
      startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: inject('fleetAllow'), slots: 2 }),
      bundleSdk(join(dir, 'sdk.js')),
    ]);
    key = org.key;
    node = new Trawl({ baseUrl: inject('edgeUrl'), apiKey: key });
    sharedJob = (await node.jobs.create({ name: 'runtimes shared', spec: demoJobSpec(inject('demoUrl')) })).id;
    for (const f of ['flow.ts', 'deno-main.ts', 'worker.js']) copyFileSync(join(HERE, f), join(dir, f));
    flowJs = transformSync(readFileSync(join(HERE, 'flow.ts'), 'utf8'), { loader: 'ts', format: 'esm' }).code;
    writeFileSync(join(dir, 'flow.js'), flowJs);
  }, 60_000);
  afterAll(async () => {
    await fleet?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('Deno, allowed to reach the edge and nothing else, runs the flow', async () => {
    const edgeHost = new URL(inject('edgeUrl')).host;
    const { stdout } = await promisify(execFile)(DENO, ['run', `--allow-net=${edgeHost}`, '--no-prompt', 'deno-main.ts', JSON.stringify(input('deno'))], {
      cwd: dir, env: { PATH: process.env.PATH ?? '', HOME: dir, DENO_DIR: join(dir, '.deno'), DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' }, timeout: 60_000,
    });
    await expectFlow(JSON.parse(stdout) as FlowOutput, 'deno');
  }, 70_000);

  describe('Chromium, on a page of another origin', () => {
    let browser: Browser;
    let page: Server;
    let pageOrigin: string;
    beforeAll(async () => {
      const sdkJs = readFileSync(join(dir, 'sdk.js'), 'utf8');
      page = createServer((req, res) => {
        const body = req.url === '/sdk.js' ? sdkJs : req.url === '/flow.js' ? flowJs : '<!doctype html><title>SDK page</title><script type="module">import { Trawl } from "/sdk.js"; import { sdkFlow } from "/flow.js"; window.runFlow = (input) => sdkFlow(Trawl, input);</script>';
        res.writeHead(200, { 'content-type': req.url?.endsWith('.js') ? 'text/javascript' : 'text/html' }).end(body);
      });
      await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
      const addr = page.address();
      pageOrigin = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
      await new Promise((resolve) => page?.close(resolve));
    });

    it('runs the flow with an API key: CORS without credentials, events over the key subprotocol', async () => {
      expect(pageOrigin).not.toBe(new URL(inject('edgeUrl')).origin);
      const tab = await (await browser.newContext()).newPage();
      await tab.goto(pageOrigin);
      await tab.waitForFunction(() => 'runFlow' in window);
      const out = await tab.evaluate((i) => (window as unknown as { runFlow(i: FlowInput): Promise<FlowOutput> }).runFlow(i), input('browser'));
      await expectFlow(out, 'browser');
    }, 60_000);

    it('the signed-in cookie does not work from another origin: the browser refuses the answer and the API the request', async () => {
      const session = await signIn(browser, `sdk-runtimes-${Date.now()}`);
      const tab = await session.context.newPage();
      await tab.goto(pageOrigin);
      const edge = inject('edgeUrl');
      // The same-site page carries the cookie (SameSite=Lax covers other ports); no Allow-Credentials: not readable.
      const fromPage = await tab.evaluate((u) => fetch(`${u}/v1/me`, { credentials: 'include' }).then((r) => `read ${r.status}`, (e: Error) => e.name), edge);
      expect(fromPage).toBe('TypeError');
      // What the browser sent anyway (no preflight for a GET) is refused by the API itself; from the app's origin it is not.
      const me = (origin: string) => fetch(`${edge}/v1/me`, { headers: { cookie: session.cookie, origin } });
      const [foreign, own] = await Promise.all([me(pageOrigin), me(new URL(edge).origin)]);
      const refused = (await foreign.json()) as { error?: { code: string } };
      expect([foreign.status, refused.error?.code]).toEqual([403, 'FORBIDDEN']);
      expect(own.status).toBe(200);
      // The preflight grants any origin the Authorization header, never credentials.
      const pre = await fetch(`${edge}/v1/jobs`, { method: 'OPTIONS', headers: { origin: pageOrigin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
      expect([pre.status, pre.headers.get('access-control-allow-origin'), pre.headers.get('access-control-allow-credentials')]).toEqual([204, '*', null]);
      expect(pre.headers.get('access-control-allow-headers')?.toLowerCase().split(',')).toEqual(['authorization', 'content-type', 'if-none-match']);
      await session.context.close();
    }, 60_000);
  });

  it('workerd (Miniflare): a Worker\'s fetch handler runs the flow, events through a fetch upgrade', async () => {
    const esm = (file: string) => ({ type: 'esm' as const, contents: readFileSync(join(dir, file), 'utf8') });
    // The compatibility date of a Worker written before workerd had a `new WebSocket(url)` client.
    const mf = new Miniflare({
      workers: [{
        config: {
          name: 'sdk-runtimes', compatibilityDate: '2024-09-23',
          manifest: { mainModule: 'worker.js', modules: { 'worker.js': esm('worker.js'), 'sdk.js': esm('sdk.js'), 'flow.js': esm('flow.js') } },
        },
      }],
    });
    try {
      const res = await mf.dispatchFetch('http://worker.test/', { method: 'POST', body: JSON.stringify(input('worker')) });
      const out = await res.json() as FlowOutput & { error?: string };
      expect(out.error).toBeUndefined();
      expect(res.status).toBe(200);
      await expectFlow(out, 'worker');
    } finally {
      await mf.dispose();
    }
  }, 60_000);
});
