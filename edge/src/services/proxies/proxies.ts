import { and, desc, eq } from 'drizzle-orm';
import { proxies } from '@trawl/db';
import { ProxyInput, issuesOf, newId, targetRefusal, type UpstreamProxy } from '@trawl/schemas';
import { configOf } from '../../env.ts';
import { ApiError, invalid, notFound } from '../../lib/errors.ts';
import { seal, sealedWith, unseal } from '../../lib/secret-box.ts';
import { auditStatement } from '../audit/audit.ts';
import type { ActorContext, ServiceContext } from '../context.ts';
import { credentialKeys, credentialsKey } from '../logins/logins.ts';
import { authorize } from '../permissions.ts';

type ProxyRow = typeof proxies.$inferSelect;

/** What the API shows of an upstream proxy: never its credentials, only whether it has some. */
const toProxy = (r: ProxyRow): UpstreamProxy => ({
  id: r.id, name: r.name, scheme: r.scheme, host: r.host, port: r.port, country: r.country, hasCredentials: r.credentialsEnc !== null, createdAt: r.createdAt,
});

/** Associated data binding the credentials' ciphertext to its organization and proxy. */
export const proxyAad = (orgId: string, proxyId: string): string => `${orgId}/${proxyId}/proxy-credentials`;

/** Scheme, host (as URL parsing writes it, brackets off) and port; socks5 URLs default to 1080. */
export function proxyAddress(url: string): { scheme: 'http' | 'socks5'; host: string; port: number } {
  const u = new URL(url);
  const scheme = u.protocol === 'socks5:' ? 'socks5' : 'http';
  return { scheme, host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port ? Number(u.port) : scheme === 'http' ? 80 : 1080 };
}

export async function createProxy(ctx: ActorContext, body: unknown): Promise<UpstreamProxy> {
  authorize(ctx, 'policy:write');
  const parsed = ProxyInput.safeParse(body);
  if (!parsed.success) throw invalid('INVALID_REQUEST', 'The proxy is not valid', issuesOf(parsed.error));
  const { name, url, username, password, country } = parsed.data;
  const { scheme, host, port } = proxyAddress(url);
  // The same classifier as targets: a proxy on a private network would be a way into it (ADR 0035). The fleet checks
  // again at use, after DNS; ALLOW_PRIVATE_TARGETS (local stack only) lets the tests' local proxies be saved.
  const why = targetRefusal(host, port);
  if (why && !configOf(ctx.env).allowPrivateTargets) {
    throw new ApiError('PRIVATE_PROXY', `The proxy ${host}:${port} is not reachable on the public internet: ${why}`, { issues: [{ path: 'url', message: why }] });
  }
  const key = username ? credentialsKey(ctx) : null;
  const orgId = ctx.actor.orgId;
  const [existing] = await ctx.db.select({ id: proxies.id }).from(proxies).where(and(eq(proxies.orgId, orgId), eq(proxies.name, name))).limit(1);
  if (existing) throw new ApiError('CONFLICT', `A proxy named "${name}" exists already`);
  const now = Date.now();
  const id = newId('prx', now);
  const row: ProxyRow = {
    id, orgId, name, scheme, host, port, country: country ?? null, createdAt: now,
    credentialsEnc: key && username ? await seal(key, proxyAad(orgId, id), { username, password: password ?? '' }) : null,
  };
  await ctx.db.batch([ctx.db.insert(proxies).values(row), auditStatement(ctx, 'proxy.create', id, { name, scheme, host, port, credentials: Boolean(username) })]);
  return toProxy(row);
}

export async function listProxies(ctx: ActorContext): Promise<{ data: UpstreamProxy[] }> {
  authorize(ctx, 'policy:read');
  const rows = await ctx.db.select().from(proxies).where(eq(proxies.orgId, ctx.actor.orgId)).orderBy(desc(proxies.id)).limit(200);
  return { data: rows.map(toProxy) };
}

export async function deleteProxy(ctx: ActorContext, id: string): Promise<void> {
  authorize(ctx, 'policy:write');
  const where = and(eq(proxies.id, id), eq(proxies.orgId, ctx.actor.orgId));
  const [row] = await ctx.db.select({ id: proxies.id }).from(proxies).where(where).limit(1);
  if (!row) throw notFound('Proxy', id);
  await ctx.db.batch([ctx.db.delete(proxies).where(where), auditStatement(ctx, 'proxy.delete', id)]);
}

/** After CREDENTIALS_KEY changed: seal every proxy's credentials again with the current key (like the logins'). */
export async function rotateProxyKeys(ctx: ServiceContext): Promise<{ resealed: number }> {
  const keys = credentialKeys(ctx);
  const current = keys[0]!;
  let resealed = 0;
  for (const row of await ctx.db.select().from(proxies)) {
    if (!row.credentialsEnc || await sealedWith(current, row.credentialsEnc)) continue;
    const aad = proxyAad(row.orgId, row.id);
    await ctx.db.update(proxies).set({ credentialsEnc: await seal(current, aad, await unseal(keys, aad, row.credentialsEnc)) }).where(eq(proxies.id, row.id));
    resealed++;
  }
  return { resealed };
}
