/** Child processes for the local stack: started in their own process group so stopping one stops all it spawned. */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';

export interface Proc {
  child: ChildProcess;
  /** SIGTERM to the whole group, SIGKILL after a grace period. Resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
  /** Resolves with the first match of `re` in stdout/stderr (or rejects on exit or timeout). */
  waitFor(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  output(): string;
}

export function startProc(cmd: string, args: string[], opts: SpawnOptions & { name: string; echo?: boolean }): Proc {
  const child = spawn(cmd, args, { ...opts, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    const text = chunk.toString();
    out = (out + text).slice(-200_000);
    if (opts.echo) for (const line of text.split('\n')) if (line.trim()) process.stdout.write(`[${opts.name}] ${line}\n`);
    for (const l of listeners) l();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => out,
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const kill = (sig: NodeJS.Signals) => { try { process.kill(-child.pid!, sig); } catch { /* gone */ } };
      kill('SIGTERM');
      const timer = setTimeout(() => kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      kill('SIGKILL'); // anything of the group still around
    },
    waitFor(re, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = out.match(re);
          if (m) { cleanup(); resolve(m); }
        };
        const onExit = () => { cleanup(); reject(new Error(`${opts.name} exited (code ${child.exitCode}) before ${re}:\n${out.slice(-3000)}`)); };
        const timer = setTimeout(() => { cleanup(); reject(new Error(`${opts.name}: no ${re} within ${timeoutMs} ms:\n${out.slice(-3000)}`)); }, timeoutMs);
        const cleanup = () => { listeners.delete(check); child.off('exit', onExit); clearTimeout(timer); };
        listeners.add(check);
        child.once('exit', onExit);
        check();
      });
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch { /* not yet */ }
    if (Date.now() > until) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
