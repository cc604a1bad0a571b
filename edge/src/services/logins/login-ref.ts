import { and, eq } from 'drizzle-orm';
import { logins } from '@trawl/db';
import type { JobSpec } from '@trawl/schemas';
import { invalid } from '../../lib/errors.ts';
import type { ActorContext } from '../context.ts';

/**
 * A spec may name only a stored login of the caller's own organization. A login of another organization is
 * refused exactly like one that does not exist (same code, status, path and message), so the answer says nothing
 * about other tenants' ids. Checked on save (create, change) and preview, not first at run time.
 */
export async function checkLoginRef(ctx: ActorContext, spec: Pick<JobSpec, 'login'>): Promise<void> {
  const id = spec.login?.id;
  if (id === undefined) return;
  const [row] = await ctx.db.select({ id: logins.id }).from(logins).where(and(eq(logins.id, id), eq(logins.orgId, ctx.actor.orgId))).limit(1);
  if (!row) {
    throw invalid('INVALID_SPEC', 'The job names a stored login that does not exist', [
      { path: 'spec.login.id', message: `No stored login ${id} in this organization (see GET /v1/logins)` },
    ]);
  }
}
