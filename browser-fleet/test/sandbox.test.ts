import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { NodeHealth } from '@trawl/schemas';
import { writeSecretFile } from '../../scripts/lib/secret-file.ts';
import { defaultChromiumPath } from '../src/chromium-path.ts';
import { launchChromium } from '../src/chromium-process.ts';
import { NO_SANDBOX_WARNING, planSandbox, type ChromiumIdentity } from '../src/chromium-user.ts';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/log.ts';
import { BrowserPool } from '../src/pool.ts';
import { liveInGroup } from '../src/process-group.ts';
import { startFleetNode } from '../src/server.ts';
import { startRecordingEdge, type RecordingEdge } from './recording-edge.ts';

const SECRET = 'sandbox-test-secret-0123456789abcdef';
const asRoot = process.getuid?.() === 0;

interface Proc { pid: number; uid: number[]; seccomp: number; userNs: string; pidNs: string; cmdline: string; environ: string }

function describeProc(pid: number): Proc {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): string => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1] ?? '';
  return {
    pid, uid: field('Uid').split(/\s+/).map(Number), seccomp: Number(field('Seccomp')),
    userNs: readlinkSync(`/proc/${pid}/ns/user`), pidNs: readlinkSync(`/proc/${pid}/ns/pid`),
    cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '), environ: readFileSync(`/proc/${pid}/environ`, 'utf8'),
  };
}

/** Every process of a browser the pool launched (the wrapper script, browser, zygotes, GPU, network, renderers). */
async function browserProcs(pool: BrowserPool): Promise<Proc[]> {
  const context = await pool.newContext({});
  const page = await context.newPage();
  await page.goto('data:text/html,<h1>a renderer</h1>');
  const procs = liveInGroup(pool.pids()[0]!).map(describeProc);
  await context.close();
  return procs;
}

/** Runs `cat` as the browsers' user: what that user can read. */
function catAs(who: ChromiumIdentity, path: string): { status: number | null; stderr: string; stdout: string } {
  const r = spawnSync('cat', [path], { uid: who.uid, gid: who.gid, encoding: 'utf8', env: {} });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

/** 'open', or why the WebSocket was refused. */
function open(url: string): Promise<string> {
  return new Promise<string>((resolve) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve('open'));
    ws.once('error', (e) => resolve(e.message));
  });
}

/** Uids of TCP sockets in LISTEN state (/proc/net/tcp and tcp6: column 8 is the owner's uid, st 0A is LISTEN). */
function listeningUids(): number[] {
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((f) => readFileSync(f, 'utf8').split('\n').slice(1)
    .map((l) => l.trim().split(/\s+/)).filter((c) => c[3] === '0A').map((c) => Number(c[7])));
}

describe.skipIf(!asRoot)('a node running as root: Chromium sandboxed as its own user, holding no keys (issue #9 part 4)', () => {
  let pool: BrowserPool;
  let procs: Proc[] = [];
  let who: ChromiumIdentity;
  let secretDir = '';

  beforeAll(async () => {
    process.env.FLEET_SECRET = SECRET;
    const plan = await planSandbox();
    who = plan.identity!;
    pool = await new BrowserPool({ browsers: 1, chromiumPath: defaultChromiumPath(), log: silentLogger, sandbox: plan }).start();
    procs = await browserProcs(pool);
    secretDir = mkdtempSync(join(tmpdir(), 'trawl-secret-'));
  });
  afterAll(async () => {
    delete process.env.FLEET_SECRET;
    await pool?.close();
    rmSync(secretDir, { recursive: true, force: true });
  });

  it('every Chromium process runs as the dedicated user, not as the node\'s', () => {
    expect(who.uid).not.toBe(process.getuid!());
    expect(who.uid).toBeGreaterThan(0);
    expect(procs.length).toBeGreaterThanOrEqual(4);
    for (const p of procs) expect(p.uid, p.cmdline).toEqual([who.uid, who.uid, who.uid, who.uid]);
  });

  it('the sandbox is on: no --no-sandbox; renderers under seccomp-bpf in their own user and PID namespaces', () => {
    const self = { user: readlinkSync('/proc/self/ns/user'), pid: readlinkSync('/proc/self/ns/pid') };
    for (const p of procs) expect(p.cmdline).not.toContain('--no-sandbox');
    const renderers = procs.filter((p) => p.cmdline.includes('--type=renderer'));
    expect(renderers.length).toBeGreaterThanOrEqual(1);
    for (const r of renderers) {
      expect(r.seccomp, r.cmdline).toBe(2);
      expect(r.userNs).not.toBe(self.user);
      expect(r.pidNs).not.toBe(self.pid);
    }
  });

  it('the browsers\' environment holds no secret, and their user cannot read the node\'s environment or secret files', () => {
    for (const p of procs) {
      expect(p.environ).not.toContain(SECRET);
      expect(p.environ).not.toContain('FLEET_');
      expect(p.environ).not.toContain('TRAWL_');
    }
    // The control: the same `cat` reads a world-readable file, so a refusal below is the permission, not the spawn.
    expect(catAs(who, '/etc/hostname').status).toBe(0);
    const environ = catAs(who, `/proc/${process.pid}/environ`);
    expect(environ.status).toBe(1);
    expect(environ.stderr).toContain('Permission denied');
    expect(environ.stdout).not.toContain(SECRET);
    const file = join(secretDir, 'edge.env');
    writeSecretFile(file, `FLEET_SECRET="${SECRET}"\n`);
    const secret = catAs(who, file);
    expect(secret.status).toBe(1);
    expect(secret.stderr).toContain('Permission denied');
  });

  it('CDP has no port: the browsers\' user listens on nothing; the bridge takes one client, with its secret path', async () => {
    expect(listeningUids()).not.toContain(who.uid);
    const proc = await launchChromium(defaultChromiumPath(), await planSandbox());
    try {
      const wrong = proc.wsEndpoint.replace(/[0-9a-f]{48}$/, '0'.repeat(48));
      expect(await open(wrong)).toBe('Unexpected server response: 401');
      expect(await open(proc.wsEndpoint)).toBe('open');
      expect(await open(proc.wsEndpoint)).toBe('Unexpected server response: 401');
    } finally {
      await proc.kill();
    }
  });

  it('--no-sandbox only with FLEET_CHROMIUM_NO_SANDBOX=true, warned on /health; by default /health says sandbox: true', async () => {
    const edge: RecordingEdge = await startRecordingEdge(SECRET);
    try {
      for (const [flag, sandbox] of [['false', true], ['true', false]] as const) {
        const config = loadConfig({ FLEET_SECRET: SECRET, FLEET_PORT: '0', TRAWL_EDGE_URL: edge.url, FLEET_WARM_CONTEXTS: '0', FLEET_CHROMIUM_NO_SANDBOX: flag });
        const node = await startFleetNode(config, { log: silentLogger });
        try {
          const health = NodeHealth.parse(await (await fetch(`${node.url}/health`)).json());
          expect(health).toMatchObject({ sandbox, chromiumUser: 'trawl-chromium', warnings: sandbox ? [] : [NO_SANDBOX_WARNING] });
        } finally {
          await node.close();
        }
      }
    } finally {
      await edge.close();
    }
  });
});
