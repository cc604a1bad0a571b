/**
 * The `trawl` CLI end to end in a pseudo-terminal (@lydell/node-pty) and the MCP server driven by the MCP SDK's own
 * client, over stdio and streamable HTTP, against the real dev stack with one fleet node.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn as spawnPty } from '@lydell/node-pty';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { demoJobSpec } from '../../scripts/lib/demo-job.ts';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { api, newOrg } from './client.ts';
import { expectedRecords } from './expected.ts';

const BIN = join(import.meta.dirname, '../../cli/bin/trawl.js');
// Terminal control sequences (colours, cursor moves) as the pty shows them, removed to read the screen's text.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');
const bySku = (rows: Array<Record<string, unknown>>) => [...rows].sort((a, b) => String(a.sku).localeCompare(String(b.sku)));
const lines = (text: string) => text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

let dir: string;
const env = () => ({ ...process.env, TRAWL_CONFIG_DIR: join(dir, 'config'), TRAWL_API_KEY: '', TRAWL_API_URL: inject('edgeUrl'), NO_COLOR: '1' });

/** Runs the CLI in a pseudo-terminal (stdout and stderr are both the terminal), as a person would. */
function inPty(args: string[]): Promise<{ code: number; screen: string }> {
  return new Promise((resolve) => {
    const term = spawnPty(process.execPath, [BIN, ...args], { cwd: dir, env: env(), cols: 140, rows: 30 });
    let out = '';
    term.onData((d) => { out += d; });
    term.onExit(({ exitCode }) => resolve({ code: exitCode, screen: out.replace(ANSI, '') }));
  });
}

/** Runs the CLI with pipes (a script): stdout and stderr apart. */
function piped(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { ...env(), ...extraEnv } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d; });
    child.stderr.on('data', (d: Buffer) => { stderr += d; });
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('trawl CLI and MCP server on the dev stack', () => {
  let fleet: FleetNode;
  let org: Awaited<ReturnType<typeof newOrg>>;
  let other: Awaited<ReturnType<typeof newOrg>>;
  let cliRunId = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trawl-cli-'));
    [org, other, fleet] = await Promise.all([newOrg('CLI'), newOrg('CLI other'), startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: inject('fleetAllow'), slots: 2 })]);
    writeFileSync(join(dir, 'job.json'), JSON.stringify({ name: 'CLI demo', spec: demoJobSpec(inject('demoUrl')) }));
  });
  afterAll(async () => { await fleet?.stop(); rmSync(dir, { recursive: true, force: true }); });

  it('login checks the key and stores it with mode 600; without a login a command exits 3', async () => {
    const before = await piped(['jobs']);
    expect([before.code, before.stderr.trim()]).toEqual([3, 'error NOT_LOGGED_IN: No API key: run `trawl login` or set TRAWL_API_KEY']);
    const wrong = await piped(['login', '--key', 'trawl_sk_wrong']);
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('error UNAUTHORIZED:');
    const ok = await piped(['login', '--key', org.key]);
    expect(ok.code, ok.stderr).toBe(0);
    const file = join(dir, 'config', 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ apiKey: org.key, baseUrl: inject('edgeUrl') });
  });

  it('trawl run in a terminal: live progress of pages, items, retries and errors; the results file holds exactly the catalog', async () => {
    const { code, screen } = await inPty(['run', 'job.json', '-o', 'out.jsonl']);
    expect(code, screen).toBe(0);
    expect(screen).toContain('created job job_');
    expect(screen).toContain('pages 3/3 | items 60 | retries 0 | errors 0');
    expect(screen).toMatch(/succeeded: 60 items from 3 pages \(0 failed\) -> out\.jsonl/);
    expect(bySku(lines(readFileSync(join(dir, 'out.jsonl'), 'utf8')))).toEqual(bySku(expectedRecords(inject('demoUrl'))));
    const runs = await piped(['--json', 'runs']);
    const listed = JSON.parse(runs.stdout) as Array<{ id: string; status: string }>;
    expect(listed.map((r) => r.status)).toEqual(['succeeded']);
    cliRunId = listed[0]!.id;
    const csv = await piped(['results', cliRunId, '--format', 'csv']);
    expect(csv.stdout.split(/\r?\n/)[0]).toBe('sku,name,price,category,url');
    expect(csv.stdout.trim().split(/\r?\n/)).toHaveLength(61);
    const logs = await piped(['--json', 'logs', cliRunId, '--follow']);
    expect(lines(logs.stdout).at(-1)?.type).toBe('run.finished');    const jobs = await piped(['jobs']);
    expect(jobs.stdout).toMatch(/│ job_\w+ │ CLI demo │/);
  });

  it('trawl preview: one page\'s items and fill rates, as a table and as JSON', async () => {
    const demoUrl = inject('demoUrl');
    const table = await piped(['preview', 'job.json', '--rows', '2']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.split('\n')[0]).toBe(`succeeded: 20 items on ${demoUrl}/catalog/page-1.html`);
    expect(table.stdout).toMatch(/│ sku\s+│ 100%\s+│/);
    const json = await piped(['--json', 'preview', 'job.json']);
    const p = JSON.parse(json.stdout) as { itemCount: number; fillRates: Record<string, number>; items: Array<{ sku: string }> };
    const firstPage = expectedRecords(demoUrl).slice(0, 20);
    expect([p.itemCount, p.fillRates.sku]).toEqual([20, 1]);
    expect(p.items.map((i) => i.sku).toSorted()).toEqual(firstPage.map((r) => r.sku).toSorted());
  });

  it('bad input: the API\'s code, message and each problem\'s path, and exit 2; validate agrees', async () => {
    const spec = { ...demoJobSpec(inject('demoUrl')), fields: { price: { selector: '.price', process: [{ op: 'nope' }] } } };
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ name: 'CLI bad', spec }));
    // What the API itself answers to the same save, to compare the CLI's words with.
    const fromApi = await api<{ error: { message: string; hint: string } }>(org.key, 'POST', '/v1/jobs', { name: 'CLI bad', spec });
    expect(fromApi.status).toBe(400);
    const { code, screen } = await inPty(['run', 'bad.json']);
    expect(code).toBe(2);
    expect(screen).toContain(`error INVALID_SPEC: ${fromApi.body.error.message}`);
    expect(screen).toContain('spec.fields.price.process.0.op:');
    expect(screen).toContain(`hint: ${fromApi.body.error.hint}`);
    expect((await piped(['validate', 'bad.json'])).code).toBe(2);
    expect((await piped(['validate', 'job.json'])).code).toBe(0);
    writeFileSync(join(dir, 'broken.json'), '{"name": ');
    const broken = await piped(['run', 'broken.json']);
    expect([broken.code, broken.stderr.split('\n')[0]?.startsWith('error FILE_NOT_JSON: broken.json is not JSON')]).toEqual([2, true]);
  });

  it('MCP over stdio: a job created, run and read with the MCP SDK\'s client; nothing changed since the CLI\'s run', async () => {
    const client = new Client({ name: 'e2e', version: '1.0.0' });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, 'mcp'], cwd: dir, env: { ...env(), TRAWL_API_KEY: org.key } as Record<string, string> }));
    try {
      expect((await client.listTools()).tools.map((t) => t.name).toSorted()).toEqual(['create_job', 'follow_run', 'get_changes', 'get_results', 'preview_job', 'run_job', 'validate_job']);
      const created = await client.callTool({ name: 'create_job', arguments: { name: 'CLI demo', spec: demoJobSpec(inject('demoUrl')) } });
      const job = (created.structuredContent as { created: boolean; job: { id: string } });
      expect(job.created).toBe(false);
      const ran = await client.callTool({ name: 'run_job', arguments: { jobId: job.job.id, wait: true } });
      const run = (ran.structuredContent as { run: { id: string; status: string } }).run;
      expect(run.status).toBe('succeeded');
      const got = await client.callTool({ name: 'get_results', arguments: { runId: run.id, limit: 1000 } });
      expect(bySku((got.structuredContent as { records: Array<Record<string, unknown>> }).records)).toEqual(bySku(expectedRecords(inject('demoUrl'))));
      const changes = (await client.callTool({ name: 'get_changes', arguments: { runId: run.id } })).structuredContent as Record<string, unknown>;
      expect(changes).toMatchObject({ previousRunId: cliRunId, added: [], removed: [], changed: [] });
    } finally {
      await client.close();
    }
  });

  it('MCP over streamable HTTP: each request is scoped by its own key; none gets 401; API errors come back as tool errors', async () => {
    const server = spawn(process.execPath, [BIN, 'mcp', '--http'], { cwd: dir, env: env() });
    try {
      const url = await new Promise<string>((resolve) => server.stdout.once('data', (d: Buffer) => resolve((JSON.parse(String(d)) as { mcp: string }).mcp)));
      expect((await fetch(url, { method: 'POST', body: '{}' })).status).toBe(401);
      const as = async (key: string) => {
        const c = new Client({ name: 'e2e-http', version: '1.0.0' });
        await c.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
        return c;
      };
      const mine = await as(org.key);
      const followed = (await mine.callTool({ name: 'follow_run', arguments: { runId: cliRunId } })).structuredContent as { ended: boolean; events: Array<{ type: string }> };
      expect([followed.ended, followed.events.at(-1)?.type]).toEqual([true, 'run.finished']);
      const bad = await mine.callTool({ name: 'validate_job', arguments: { spec: { startUrls: ['not a url'] } } });
      expect(bad.isError).toBe(true);
      expect(JSON.parse((bad.content as Array<{ text: string }>)[0]!.text).error.code).toBe('INVALID_SPEC');
      const theirs = await as(other.key);
      const denied = await theirs.callTool({ name: 'get_results', arguments: { runId: cliRunId } });
      expect([denied.isError, JSON.parse((denied.content as Array<{ text: string }>)[0]!.text).error.code]).toEqual([true, 'NOT_FOUND']);
      await mine.close();
      await theirs.close();
    } finally {
      server.kill('SIGTERM');
    }
  });
});
