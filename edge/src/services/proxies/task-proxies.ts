import { and, eq, inArray } from 'drizzle-orm';
import { proxies } from '@trawl/db';
import type { TaskProxies } from '@trawl/schemas';
import { ApiError } from '../../lib/errors.ts';
import { unseal } from '../../lib/secret-box.ts';
import type { ServiceContext } from '../context.ts';
import { credentialKeys } from '../logins/logins.ts';
import { proxyAad } from './proxies.ts';

const coordinator = (ctx: ServiceContext, runId: string) => ctx.env.RUN_COORDINATOR.get(ctx.env.RUN_COORDINATOR.idFromName(runId));

/**
 * The job's upstream proxies, credentials decrypted, for the node holding a task's lease (like the stored login:
 * a signed call, so no credential sits in the queue or the coordinator). In the pool's order, narrowed to the
 * job's country; a proxy deleted since the job was saved is left out.
 */
export async function proxiesForTask(ctx: ServiceContext, runId: string, taskId: string, leaseToken: string): Promise<TaskProxies> {
  const ref = await coordinator(ctx, runId).loginRef(taskId, leaseToken);
  if (!ref.ok) throw new ApiError(ref.code, ref.code === 'LEASE_LOST' ? 'The lease is no longer current' : 'Unknown task');
  if (!ref.proxy) throw new ApiError('NOT_FOUND', 'The job uses no upstream proxy');
  const { pool, rotate, country } = ref.proxy;
  const rows = await ctx.db.select().from(proxies).where(and(eq(proxies.orgId, ref.orgId), inArray(proxies.id, pool)));
  const keys = rows.some((r) => r.credentialsEnc) ? credentialKeys(ctx) : [];
  const upstreams = [];
  for (const id of pool) {
    const r = rows.find((row) => row.id === id);
    if (!r || (country && r.country !== country)) continue;
    const cred = r.credentialsEnc ? await unseal<{ username: string; password: string }>(keys, proxyAad(r.orgId, r.id), r.credentialsEnc) : null;
    upstreams.push({ id: r.id, scheme: r.scheme, host: r.host, port: r.port, ...(cred ? { username: cred.username, password: cred.password } : {}) });
  }
  return { rotate, upstreams };
}
