import { z } from 'zod';
import { randomString } from '@trawl/schemas';
import { parseAllowance } from './egress/allowance.ts';
import { parseHosts } from './egress/resolver.ts';
import { defaultChromiumPath } from './chromium-path.ts';
import { DEFAULT_CHROMIUM_USER } from './chromium-user.ts';

/**
 * Fleet configuration: one table of key, schema, default and env var, validated once at start.
 * A bad or missing value stops the node with a message naming the variable (fail closed).
 */
const intFrom = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' });
const hostPortList = z.string().superRefine((v, ctx) => {
  try {
    parseAllowance(v);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: e instanceof Error ? e.message : 'invalid' });
  }
});

const hostMap = z.string().superRefine((v, ctx) => {
  try {
    parseHosts(v);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: e instanceof Error ? e.message : 'invalid' });
  }
});

const TABLE = {
  host: { env: 'FLEET_HOST', schema: z.string().min(1), default: '127.0.0.1' },
  port: { env: 'FLEET_PORT', schema: intFrom(0, 65535), default: '8790' },
  publicUrl: { env: 'FLEET_PUBLIC_URL', schema: httpUrl.optional(), default: undefined },
  secret: { env: 'FLEET_SECRET', schema: z.string().min(16, 'must be at least 16 characters'), default: undefined },
  edgeUrl: { env: 'TRAWL_EDGE_URL', schema: httpUrl.optional(), default: undefined },
  nodeId: { env: 'FLEET_NODE_ID', schema: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'letters, digits, _ . - (at most 100)').optional(), default: undefined },
  slots: { env: 'FLEET_SLOTS', schema: intFrom(1, 256), default: '4' },
  httpSlots: { env: 'FLEET_HTTP_SLOTS', schema: intFrom(0, 1024), default: '16' },
  browsers: { env: 'FLEET_BROWSERS', schema: intFrom(1, 32), default: '1' },
  lightDom: { env: 'FLEET_LIGHT_DOM', schema: z.enum(['true', 'false'], 'true or false').transform((v) => v === 'true'), default: 'true' },
  ahead: { env: 'FLEET_AHEAD', schema: z.enum(['true', 'false'], 'true or false').transform((v) => v === 'true'), default: 'true' },
  resultBatch: { env: 'FLEET_RESULT_BATCH', schema: z.enum(['true', 'false'], 'true or false').transform((v) => v === 'true'), default: 'true' },
  warmContexts: { env: 'FLEET_WARM_CONTEXTS', schema: intFrom(0, 64), default: '2' },
  keptIdleMs: { env: 'FLEET_KEPT_IDLE_MS', schema: intFrom(0, 600_000), default: '2000' },
  warmIdleMs: { env: 'FLEET_WARM_IDLE_MS', schema: intFrom(0, 3_600_000), default: '5000' },
  browserIdleMs: { env: 'FLEET_BROWSER_IDLE_MS', schema: intFrom(0, 86_400_000), default: '60000' },
  chromiumPath: { env: 'CHROMIUM_PATH', schema: z.string().min(1), default: defaultChromiumPath({}) },
  cdpEndpoint: { env: 'TRAWL_CDP_ENDPOINT', schema: z.url({ protocol: /^(wss?|https?)$/ }).optional(), default: undefined },
  heartbeatMs: { env: 'FLEET_HEARTBEAT_MS', schema: intFrom(100, 600_000), default: '2000' },
  drainMs: { env: 'FLEET_DRAIN_MS', schema: intFrom(0, 3_600_000), default: '20000' },
  metricsToken: { env: 'FLEET_METRICS_TOKEN', schema: z.string().min(16, 'must be at least 16 characters').optional(), default: undefined },
  otlpEndpoint: { env: 'OTEL_EXPORTER_OTLP_ENDPOINT', schema: httpUrl.optional(), default: undefined },
  egressAllow: { env: 'FLEET_EGRESS_ALLOW', schema: hostPortList.optional(), default: undefined },
  hosts: { env: 'FLEET_HOSTS', schema: hostMap.optional(), default: undefined },
  chromiumUser: { env: 'FLEET_CHROMIUM_USER', schema: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'a system user name'), default: DEFAULT_CHROMIUM_USER },
  chromiumNoSandbox: { env: 'FLEET_CHROMIUM_NO_SANDBOX', schema: z.enum(['true', 'false'], 'true or false').transform((v) => v === 'true'), default: 'false' },
} as const;

type Table = typeof TABLE;
type Key = keyof Table;

export interface FleetConfig {
  host: string;
  /** 0 asks the OS for a free port; the real one is known after listening. */
  port: number;
  /** How the edge reaches this node; defaults to http://<host>:<actual port>. */
  publicUrl: string | undefined;
  secret: string;
  /** Where node heartbeats go; unset means no heartbeats (tasks still report to task.edgeUrl). */
  edgeUrl: string | undefined;
  nodeId: string;
  slots: number;
  /** Fast-path tasks at once beside the browser slots (ADR 0058); 0 runs them in browser slots. */
  httpSlots?: number;
  browsers: number;
  /** Fast-path results finished together go to the edge in one request (ADR 0061); false posts each alone (the bench's A/B). */
  resultBatch?: boolean;
  /** The fast path reads plain pages on linkedom (ADR 0068); false: every page on happy-dom (the bench's A/B). */
  lightDom?: boolean;
  /** A browser page's start asks for the run's next browser task ahead (ADR 0069); false: none (the bench's A/B). */
  ahead?: boolean;
  /** Fresh contexts kept ready for the next tasks (warm-contexts.ts); 0 makes each when its task starts. */
  warmContexts: number;
  /** How long a finished task's page is kept for its run's next task (kept-pages.ts, ADR 0062); 0 closes each at once. */
  keptIdleMs?: number;
  /** With no task taking a warm context for this long the stock is closed until one does (0: kept always). */
  warmIdleMs?: number;
  /** A browser with no context for this long is stopped until the next task (ADR 0065; 0: kept always). */
  browserIdleMs?: number;
  chromiumPath: string;
  cdpEndpoint: string | undefined;
  heartbeatMs: number;
  drainMs: number;
  /** When set, /metrics asks for "Authorization: Bearer <token>"; unset, it is open like /health. */
  metricsToken?: string | undefined;
  /** OTLP/HTTP base URL for task and step spans; unset means no spans are made. */
  otlpEndpoint?: string | undefined;
  /**
   * Private host:port pairs pages may reach anyway (comma-separated, no ranges). Unset in production: the egress
   * proxy refuses every private address. The local stack and tests pass their demo and fixture sites' ports.
   */
  egressAllow?: string | undefined;
  /** Names answered without DNS (name=address, comma-separated); unset in production. */
  hosts?: string | undefined;
  /** As root, the node starts Chromium as this system user (made when missing); ignored when not root. */
  chromiumUser?: string;
  /** Chromium's sandbox off (--no-sandbox): only when set explicitly, and then warned about at start and on /health. */
  chromiumNoSandbox?: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the whole table; throws one ConfigError listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): FleetConfig {
  const out: Partial<Record<Key, unknown>> = {};
  const problems: string[] = [];
  for (const key of Object.keys(TABLE) as Key[]) {
    const row = TABLE[key];
    const raw = env[row.env]?.trim();
    const value = raw === undefined || raw === '' ? row.default : raw;
    const parsed = row.schema.safeParse(value);
    if (parsed.success) out[key] = parsed.data;
    else problems.push(`${row.env}: ${value === undefined ? 'is required' : parsed.error.issues[0]?.message ?? 'invalid'}`);
  }
  if (problems.length) throw new ConfigError(`invalid fleet configuration:\n  ${problems.join('\n  ')}`);
  const cfg = out as Omit<FleetConfig, 'nodeId'> & { nodeId?: string };
  return { ...cfg, nodeId: cfg.nodeId ?? `nod_${randomString(10)}` };
}

/** The table as documentation rows (README and --help stay in step with the code). */
export function configRows(): Array<{ env: string; default: string }> {
  return Object.values(TABLE).map((r) => ({ env: r.env, default: r.default ?? '(none)' }));
}
