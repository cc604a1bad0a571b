import { sql, type SQL } from 'drizzle-orm';
import type { AnyColumn } from 'drizzle-orm';
import { ROLES, type Role } from '@trawl/db';
import { ApiError } from '../../lib/errors.ts';
import { ROLE_RANK } from '../permissions.ts';

/** A role column's rank in SQL (the same order as ROLE_RANK), so a statement can compare roles itself. */
export function roleRankSql(column: AnyColumn): SQL<number> {
  const cases = ROLES.map((r: Role) => sql`WHEN ${r} THEN ${ROLE_RANK[r]}`);
  return sql<number>`(CASE ${column} ${sql.join(cases, sql` `)} ELSE -1 END)`;
}

/**
 * The database keeps every organization's last owner (triggers of migration 0006): a change that would leave none
 * fails with its whole batch, audit row included. The trigger's message is the only signal that crosses D1, so it
 * is matched here, once, and turned into the API's 409.
 */
export async function keepingLastOwner<T>(change: Promise<T>, message: string): Promise<T> {
  try {
    return await change;
  } catch (err) {
    if (raisedLastOwner(err)) throw new ApiError('CONFLICT', message);
    throw err;
  }
}

/** D1 rejects a batch with the trigger's text; drizzle may wrap a single query's error, keeping it as `cause`. */
function raisedLastOwner(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    if (String((e as { message?: unknown }).message ?? e).includes('LAST_OWNER')) return true;
  }
  return false;
}
