import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The system user a node running as root starts Chromium as (FLEET_CHROMIUM_USER). */
export const DEFAULT_CHROMIUM_USER = 'trawl-chromium';

export interface ChromiumIdentity {
  name: string;
  uid: number;
  gid: number;
}

/** How this node's browsers run: as whom, and whether Chromium's own sandbox is on. */
export interface SandboxPlan {
  /** Null: as the node's own user (the node is not root, so it cannot switch). */
  identity: ChromiumIdentity | null;
  sandbox: boolean;
  /** Shown at start and on /health. */
  warnings: string[];
}

export interface SandboxOptions {
  user?: string;
  /** FLEET_CHROMIUM_NO_SANDBOX=true: the only way to get --no-sandbox. */
  noSandbox?: boolean;
}

export const NO_SANDBOX_WARNING = 'Chromium runs with --no-sandbox (FLEET_CHROMIUM_NO_SANDBOX=true): a renderer exploit on a scraped page is not contained by the sandbox';

/**
 * Decided once per node. As root, Chromium runs as a dedicated unprivileged user (created as a system user when
 * missing), so a compromised browser cannot read the node's environment (FLEET_SECRET) or its files; Chromium
 * refuses to run as root with its sandbox on anyway. Not root: the node's own user. Fails closed when the user
 * can be neither found nor made.
 */
export async function planSandbox(opts: SandboxOptions = {}): Promise<SandboxPlan> {
  const sandbox = opts.noSandbox !== true;
  const warnings = sandbox ? [] : [NO_SANDBOX_WARNING];
  if (process.getuid?.() !== 0) return { identity: null, sandbox, warnings };
  const name = opts.user ?? DEFAULT_CHROMIUM_USER;
  const identity = await lookUp(name) ?? await createUser(name);
  if (identity.uid === 0 || identity.gid === 0) throw new Error(`FLEET_CHROMIUM_USER ${name} is root; Chromium needs an unprivileged user`);
  return { identity, sandbox, warnings };
}

let defaultPlan: Promise<SandboxPlan> | null = null;

/** The plan for pools made without one (tests, benchmarks): the secure default, looked up once per process. */
export function defaultSandboxPlan(): Promise<SandboxPlan> {
  defaultPlan ??= planSandbox();
  return defaultPlan;
}

async function lookUp(name: string): Promise<ChromiumIdentity | null> {
  try {
    const { stdout } = await run('getent', ['passwd', name]);
    const [, , uid, gid] = stdout.trim().split(':');
    return { name, uid: Number(uid), gid: Number(gid) };
  } catch {
    return null;
  }
}

async function createUser(name: string): Promise<ChromiumIdentity> {
  let error: unknown = null;
  // Nodes starting together on one machine race for /etc/passwd's lock: the loser finds the user, or tries again.
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await run('useradd', ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', name]);
    } catch (e) {
      error = e;
    }
    const made = await lookUp(name);
    if (made) return made;
    await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
  }
  const why = error instanceof Error ? error.message : 'the user cannot be found after useradd';
  throw new Error(`the fleet runs as root and needs the system user ${name} for Chromium, but useradd failed: ${why}`, { cause: error });
}
