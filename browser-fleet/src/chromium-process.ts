import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A Chromium we started: its CDP endpoint and how to make sure it is gone. */
export interface ChromiumProcess {
  pid: number;
  wsEndpoint: string;
  /** Kills the whole process group (renderers, zygote, GPU) and removes the profile dir. */
  kill(): Promise<void>;
}

const FLAGS = [
  '--headless',
  '--no-sandbox',
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
  // Each task gets a new context, so background throttling of "hidden" pages only slows tasks down.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
  // Port 0: the OS picks a free port, so several browsers and nodes never collide.
  '--remote-debugging-address=127.0.0.1',
  '--remote-debugging-port=0',
];

const READY_RE = /DevTools listening on (ws:\/\/\S+)/;

export async function launchChromium(path: string, timeoutMs = 15_000): Promise<ChromiumProcess> {
  const dir = await mkdtemp(join(tmpdir(), 'trawl-chromium-'));
  // detached: the browser leads its own process group, so one signal reaches all its children.
  const child = spawn(path, [...FLAGS, `--user-data-dir=${dir}`, 'about:blank'], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let exited = child.exitCode !== null;
  const exitPromise = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    resolve();
  }));
  const kill = async (): Promise<void> => {
    // Signal the group even when the leader already exited: orphaned renderers may remain.
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is already gone.
      }
    }
    if (!exited) await exitPromise;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const wsEndpoint = await readEndpoint(child, timeoutMs);
    if (child.pid === undefined) throw new Error('chromium has no pid');
    return { pid: child.pid, wsEndpoint, kill };
  } catch (e) {
    await kill();
    throw e;
  }
}

function readEndpoint(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let tail = '';
    const timer = setTimeout(() => fail(new Error(`chromium did not print its DevTools endpoint within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      tail = (tail + chunk.toString('utf8')).slice(-4000);
      const m = READY_RE.exec(tail);
      if (m?.[1]) {
        cleanup();
        // Keep draining stderr so a chatty browser never blocks on a full pipe.
        child.stderr?.resume();
        resolve(m[1]);
      }
    };
    const onExit = (code: number | null): void => fail(new Error(`chromium exited (${code}) before it was ready: ${tail.slice(-500)}`));
    const onError = (e: Error): void => fail(e);
    function cleanup(): void {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
    }
    function fail(e: Error): void {
      cleanup();
      reject(e);
    }
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}
