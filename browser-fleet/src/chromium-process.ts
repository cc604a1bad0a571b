import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { bridgePipe, type CdpBridge } from './cdp-bridge.ts';
import { defaultSandboxPlan, type SandboxPlan } from './chromium-user.ts';
import { waitGroupGone } from './process-group.ts';

/** A Chromium we started: its CDP endpoint and how to make sure it is gone. */
export interface ChromiumProcess {
  pid: number;
  wsEndpoint: string;
  /** True once the browser process has ended (crash, kill or close). */
  readonly exited: boolean;
  /** Kills the whole process group (renderers, zygote, GPU) and removes the profile dir. */
  kill(): Promise<void>;
}

const FLAGS = [
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--disable-extensions',
  '--disable-default-apps',
  '--disable-breakpad',
  '--disable-crash-reporter',
  '--mute-audio',
  '--password-store=basic',
  '--use-mock-keychain',
  '--metrics-recording-only',
  // A page's JavaScript heap is capped well below the machine's memory: a memory bomb then kills only its own
  // renderer within seconds (PAGE_CRASHED) instead of growing towards V8's default of several GB while its
  // neighbours run short (issue #9). Real pages stay far below 1 GB.
  '--js-flags=--max-old-space-size=1024',
  // Each task gets a new context, so background throttling of "hidden" pages only slows tasks down.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
  // Egress: each task's context gets its own proxy (egress/proxy.ts) with bypass "<-loopback>"; this flag
  // does the same for any browser-wide proxy. Without it Chromium sends loopback and 169.254/16 around
  // the proxy; without the WebRTC policy, WebRTC sends UDP around it.
  '--proxy-bypass-list=<-loopback>',
  '--force-webrtc-ip-handling-policy=disable_non_proxied_udp',
  // CDP over fds 3 and 4, not a port any local user could connect to (cdp-bridge.ts).
  '--remote-debugging-pipe',
];

/** The only variables the browser gets: never FLEET_SECRET, TRAWL_* or any key the node holds. */
const PASSED_ENV = ['PATH', 'LANG', 'LANGUAGE', 'LC_ALL', 'LC_CTYPE', 'TZ', 'FONTCONFIG_PATH', 'FONTCONFIG_FILE'];

function browserEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { HOME: home };
  for (const k of PASSED_ENV) if (process.env[k] !== undefined) env[k] = process.env[k];
  return env;
}

/**
 * For browsers whose every page is made in a context of its own (the pool's): no first about:blank tab, whose renderer
 * cost ~100 MB RSS for the browser's whole life (as Playwright launches a non-persistent browser).
 */
export const NO_STARTUP_WINDOW = '--no-startup-window';

/** How long a browser gets to exit on SIGTERM before its group is killed. */
const GRACE_MS = 3000;

/**
 * Starts Chromium as the plan says (ADR 0023): as root, under the dedicated user, with a profile dir (mode 700)
 * that user owns and only the variables of PASSED_ENV; the sandbox is on unless the plan turned it off.
 */
export async function launchChromium(path: string, plan?: SandboxPlan, timeoutMs = 15_000, extraFlags: readonly string[] = []): Promise<ChromiumProcess> {
  const { identity, sandbox } = plan ?? await defaultSandboxPlan();
  // mkdtemp makes it 0700; handed to the browser's user, it is theirs alone.
  const dir = await mkdtemp(join(tmpdir(), 'trawl-chromium-'));
  if (identity) await chown(dir, identity.uid, identity.gid);
  // detached: the browser leads its own process group, so one signal reaches all its children.
  // Without a startup window (the pool's browsers, ADR 0067) Chromium opens no first tab, and so holds no renderer for it.
  const firstPage = extraFlags.includes(NO_STARTUP_WINDOW) ? [] : ['about:blank'];
  const child = spawn(path, [...FLAGS, ...extraFlags, ...(sandbox ? [] : ['--no-sandbox']), `--user-data-dir=${dir}`, ...firstPage], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'],
    env: browserEnv(dir),
    cwd: dir,
    ...(identity ? { uid: identity.uid, gid: identity.gid } : {}),
  });
  let bridge: CdpBridge | null = null;
  const watchdog = child.pid === undefined ? null : startWatchdog(child.pid, dir);
  // Last resort if this process dies without close(): a detached browser would outlive it.
  const onProcessExit = (): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    } catch {
      // Nothing left to clean.
    }
  };
  process.once('exit', onProcessExit);
  let exited = child.exitCode !== null;
  // A binary that cannot be started (ENOENT, EACCES) emits 'error' and never 'exit': it counts as exited. With the
  // browser launched by the first task (ADR 0065) this is a failed task, not a node that dies of an unhandled event.
  let spawnError: Error | null = null;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
    child.once('error', (e) => {
      spawnError = e;
      if (child.pid !== undefined) return;
      exited = true;
      resolve();
    });
  });
  const kill = async (): Promise<void> => {
    process.off('exit', onProcessExit);
    // SIGTERM first: Chromium then ends and reaps its own children. Killing the group outright
    // leaves them as zombies wherever the init process does not reap orphans (as in our CI VM).
    if (!exited) signal(child.pid, 'SIGTERM');
    if (!exited) await Promise.race([exitPromise, delay(GRACE_MS)]);
    // Whatever is left of the group (a hung browser, orphaned renderers) is killed for sure.
    if (child.pid !== undefined) signal(-child.pid, 'SIGKILL');
    if (!exited) await exitPromise;
    if (child.pid !== undefined) await waitGroupGone(child.pid, GRACE_MS);
    watchdog?.kill('SIGKILL');
    await bridge?.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    if (child.pid === undefined) {
      await exitPromise;
      throw new Error(`chromium could not be started (${path}): ${(spawnError as Error | null)?.message ?? 'no process'}`);
    }
    bridge = await bridgePipe(child.stdio[3] as Writable, child.stdio[4] as Readable);
    await waitReady(child, bridge, timeoutMs);
    if (child.pid === undefined) throw new Error('chromium has no pid');
    return { pid: child.pid, wsEndpoint: bridge.wsEndpoint, kill, get exited() { return exited; } };
  } catch (e) {
    await kill();
    throw e;
  }
}

/** Until the browser answers the bridge's probe; its stderr tail explains an early exit (a sandbox that cannot start). */
function waitReady(child: ChildProcess, bridge: CdpBridge, timeoutMs: number): Promise<void> {
  let tail = '';
  const onData = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  };
  child.stderr?.on('data', onData);
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`chromium did not answer over its CDP pipe within ${timeoutMs} ms: ${tail.slice(-500)}`)), timeoutMs);
    const onExit = (code: number | null): void => fail(new Error(`chromium exited (${code}) before it was ready: ${tail.slice(-500)}`));
    const onError = (e: Error): void => fail(e);
    function cleanup(): void {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.off('error', onError);
      // Keep draining stderr so a chatty browser never blocks on a full pipe.
      child.stderr?.off('data', onData);
      child.stderr?.resume();
    }
    function fail(e: Error): void {
      cleanup();
      reject(e);
    }
    child.once('exit', onExit);
    child.once('error', onError);
    bridge.ready.then(() => {
      cleanup();
      resolve();
    }, (e: unknown) => setTimeout(() => fail(e instanceof Error ? e : new Error(String(e))), 200));
  });
}

/**
 * A detached shell that holds a pipe from this process: when this process dies in any way
 * (even SIGKILL, when no exit handler runs), the pipe closes, `read` returns and the browser's
 * group is killed and its profile removed. Without it a killed node would leave its detached browsers running.
 */
function startWatchdog(pgid: number, dir: string): ChildProcess {
  const script = 'read x; kill -KILL -"$1" 2>/dev/null; sleep 1; rm -rf -- "$2"';
  const dog = spawn('/bin/sh', ['-c', script, 'trawl-watchdog', String(pgid), dir], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  dog.unref();
  // The pipe must not keep this process alive either.
  (dog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  return dog;
}

function signal(pid: number | undefined, sig: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(pid, sig);
  } catch {
    // Already gone.
  }
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());
