import { and, eq } from 'drizzle-orm';
import { logins } from '@trawl/db';
import type { Credential, StorageState, TaskLogin } from '@trawl/schemas';
import { ApiError } from '../../lib/errors.ts';
import { seal, unseal } from '../../lib/secret-box.ts';
import type { ServiceContext } from '../context.ts';
import { NOT_STALE, aadOf, credentialKeys, credentialsKey } from './logins.ts';

const coordinator = (ctx: ServiceContext, runId: string) => ctx.env.RUN_COORDINATOR.get(ctx.env.RUN_COORDINATOR.idFromName(runId));

/** The run's organization and login, when `leaseToken` is the task's current lease (else LEASE_LOST/NOT_FOUND). */
async function loginRow(ctx: ServiceContext, runId: string, taskId: string, leaseToken: string) {
  const ref = await coordinator(ctx, runId).loginRef(taskId, leaseToken);
  if (!ref.ok) throw new ApiError(ref.code, ref.code === 'LEASE_LOST' ? 'The lease is no longer current' : 'Unknown task');
  if (!ref.loginId) throw new ApiError('NOT_FOUND', 'The job uses no stored login');
  const [row] = await ctx.db.select().from(logins).where(and(eq(logins.id, ref.loginId), eq(logins.orgId, ref.orgId))).limit(1);
  if (!row) throw new ApiError('NOT_FOUND', `Login ${ref.loginId} was not found`);
  return row;
}

/**
 * The decrypted login for the node holding a task's lease. Handed over on a signed call rather than inside the task,
 * so no secret sits in the queue, the coordinator's storage or a stale node's hands.
 */
export async function loginForTask(ctx: ServiceContext, runId: string, taskId: string, leaseToken: string): Promise<TaskLogin> {
  const row = await loginRow(ctx, runId, taskId, leaseToken);
  const keys = credentialKeys(ctx);
  return {
    storageState: row.storageStateEnc ? await unseal<StorageState>(keys, aadOf(row.orgId, row.id, 'storageState'), row.storageStateEnc) : null,
    credential: row.credentialEnc ? await unseal<Credential>(keys, aadOf(row.orgId, row.id, 'credential'), row.credentialEnc) : null,
    flow: row.flow ?? null,
  };
}

/** A node logged in with the stored credential: its new session replaces the stored one for the next tasks. */
export async function saveTaskLoginState(ctx: ServiceContext, runId: string, taskId: string, leaseToken: string, state: StorageState): Promise<void> {
  const row = await loginRow(ctx, runId, taskId, leaseToken);
  const now = Date.now();
  const sealed = await seal(credentialsKey(ctx), aadOf(row.orgId, row.id, 'storageState'), state);
  await ctx.db.update(logins).set({ storageStateEnc: sealed, stateSavedAt: now, updatedAt: now, ...NOT_STALE }).where(and(eq(logins.id, row.id), eq(logins.orgId, row.orgId)));
}
