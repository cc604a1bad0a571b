import { z } from 'zod';

/**
 * Upstream proxies (ADR 0035): an organization's resource, referenced by id from a job spec. The URL names the
 * scheme, host and port only; the credentials are given apart, sealed at rest and never shown again.
 */
export const ProxyScheme = z.enum(['http', 'socks5']);
export type ProxyScheme = z.infer<typeof ProxyScheme>;

const ProxyUrl = z.string().max(500).refine((s) => {
  if (!URL.canParse(s)) return false;
  const u = new URL(s);
  return (u.protocol === 'http:' || u.protocol === 'socks5:') && !u.username && !u.password && (u.pathname === '/' || u.pathname === '') && !u.search && !u.hash;
}, { message: 'give http://host:port or socks5://host:port, without credentials or a path (credentials go in username and password)' });

export const ProxyInput = z.object({
  name: z.string().trim().min(1).max(200),
  url: ProxyUrl,
  username: z.string().min(1).max(500).optional(),
  password: z.string().min(1).max(500).optional(),
  /** ISO 3166-1 alpha-2 country the proxy exits in, when the pool offers one (a job may ask for it). */
  country: z.string().regex(/^[A-Za-z]{2}$/, 'a two-letter country code').transform((c) => c.toUpperCase()).optional(),
}).strict().refine((p) => !p.password || p.username, { message: 'a password needs a username', path: ['username'] });
export type ProxyInput = z.infer<typeof ProxyInput>;

/** An upstream proxy as the API shows it: never its credentials, only whether it has some. */
export const UpstreamProxy = z.object({
  id: z.string(),
  name: z.string(),
  scheme: ProxyScheme,
  host: z.string(),
  port: z.number().int(),
  country: z.string().nullable(),
  hasCredentials: z.boolean(),
  createdAt: z.number().int(),
});
export type UpstreamProxy = z.infer<typeof UpstreamProxy>;

/** A job's `proxy`: which of the organization's proxies its pages go through, and how one is picked per page. */
export const JobProxy = z.object({
  pool: z.array(z.string().min(1).max(64)).min(1).max(50),
  /** per-task: the next healthy proxy for each page; sticky-per-site: one proxy per site while it stays healthy. */
  rotate: z.enum(['per-task', 'sticky-per-site']).default('per-task'),
  /** Only the pool's proxies in this country. */
  country: z.string().regex(/^[A-Za-z]{2}$/, 'a two-letter country code').transform((c) => c.toUpperCase()).optional(),
}).strict();
export type JobProxy = z.infer<typeof JobProxy>;

/** One upstream as a fleet node holding a task's lease gets it (signed call, never queued): credentials included. */
export const TaskUpstream = z.object({
  id: z.string(),
  scheme: ProxyScheme,
  host: z.string(),
  port: z.number().int().min(1).max(65535),
  username: z.string().optional(),
  password: z.string().optional(),
});
export type TaskUpstream = z.infer<typeof TaskUpstream>;

export const TaskProxies = z.object({
  rotate: JobProxy.shape.rotate,
  upstreams: z.array(TaskUpstream).max(50),
});
export type TaskProxies = z.infer<typeof TaskProxies>;
