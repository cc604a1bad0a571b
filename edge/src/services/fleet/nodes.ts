import { and, desc, eq, gt, lt } from 'drizzle-orm';
import { fleetNodes } from '@trawl/db';
import type { NodeHeartbeat } from '@trawl/schemas';
import type { ServiceContext } from '../context.ts';

/** A node that has not reported for this long is not dispatched to. */
export const NODE_STALE_MS = 10_000;

export async function recordHeartbeat(ctx: ServiceContext, hb: NodeHeartbeat): Promise<void> {
  const row = { id: hb.nodeId, url: hb.url, slots: hb.slots, free: hb.free, inFlight: hb.inFlight, draining: hb.draining, version: hb.version, lastSeenAt: Date.now() };
  await ctx.db.insert(fleetNodes).values(row).onConflictDoUpdate({ target: fleetNodes.id, set: row });
}

/** Live nodes that can take work, the roomiest first. */
export async function availableNodes(ctx: ServiceContext, now = Date.now()) {
  return ctx.db.select().from(fleetNodes)
    .where(and(gt(fleetNodes.lastSeenAt, now - NODE_STALE_MS), eq(fleetNodes.draining, false)))
    .orderBy(desc(fleetNodes.free));
}

/** A node that refused a connection is taken out of rotation until its next heartbeat. */
export async function markUnreachable(ctx: ServiceContext, nodeId: string): Promise<void> {
  await ctx.db.update(fleetNodes).set({ lastSeenAt: 0 }).where(eq(fleetNodes.id, nodeId));
}

/** A node took `count` tasks (one offer, ADR 0064): its free count is lowered until its next heartbeat. */
export async function noteTaken(ctx: ServiceContext, nodeId: string, free: number, count = 1): Promise<void> {
  await ctx.db.update(fleetNodes).set({ free: Math.max(0, free - count) }).where(eq(fleetNodes.id, nodeId));
}

export async function fleetSummary(ctx: ServiceContext) {
  const nodes = await availableNodes(ctx);
  return { nodes: nodes.length, freeSlots: nodes.reduce((n, x) => n + x.free, 0) };
}

export async function pruneNodes(ctx: ServiceContext, now = Date.now()): Promise<void> {
  await ctx.db.delete(fleetNodes).where(lt(fleetNodes.lastSeenAt, now - 24 * 3600_000));
}
