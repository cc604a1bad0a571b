import type { StorageState, TaskKeptSession } from '@trawl/schemas';
import { ApiError } from '../../lib/errors.ts';
import { unseal } from '../../lib/secret-box.ts';
import type { ServiceContext } from '../context.ts';
import { credentialKeys } from '../logins/logins.ts';
import { sessionAad } from '../../coordinator/session-store.ts';

const coordinator = (ctx: ServiceContext, runId: string) => ctx.env.RUN_COORDINATOR.get(ctx.env.RUN_COORDINATOR.idFromName(runId));

/**
 * The storage state the previous page of a kept-session chain left (ADR 0041), opened for the node holding the
 * task's current lease only: like a stored login it travels on a signed call, never in the queue or an event.
 */
export async function sessionForTask(ctx: ServiceContext, runId: string, taskId: string, leaseToken: string): Promise<TaskKeptSession> {
  const ref = await coordinator(ctx, runId).sessionRef(taskId, leaseToken);
  if (!ref.ok) throw new ApiError(ref.code, ref.code === 'LEASE_LOST' ? 'The lease is no longer current' : 'Unknown task');
  if (!ref.stateEnc || !ref.fromTask) return { storageState: null };
  return { storageState: await unseal<StorageState>(credentialKeys(ctx), sessionAad(ref.orgId, ref.runId, ref.fromTask), ref.stateEnc) };
}
