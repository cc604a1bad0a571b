import type { Env } from '../env.ts';
import { createLogger } from '../lib/log.ts';
import { createDb } from '../services/context.ts';
import { availableNodes } from '../services/fleet/nodes.ts';

/**
 * Whether a node handing back a result may get the run's next task in the answer (ADR 0057). Direct hand-back
 * saves a queue round trip, but it keeps a run's chain on the nodes already busy with it: a node added mid-run
 * would only see tasks that happen to go through the queue, and with one page at a time it saw none. So the
 * hand-back is only for when no other live node has more free slots than the reporting one (both by their last
 * heartbeat, which counts the task just ended as busy); otherwise the task goes to the queue, whose consumer offers
 * it to the roomiest node first (the new one). A reporting node the table does not know counts as full.
 */
export function mayHandBack(nodes: ReadonlyArray<{ id: string; free: number }>, nodeId: string | undefined): boolean {
  const own = nodes.find((n) => n.id === nodeId)?.free ?? 0;
  return !nodes.some((n) => n.id !== nodeId && n.free > own);
}

/** mayHandBack over the fleet as the edge knows it now (D1's node table). */
export async function mayHandBackNow(env: Env, nodeId: string | undefined): Promise<boolean> {
  const ctx = { env, db: createDb(env), log: createLogger({ component: 'hand-back' }), requestId: 'hand-back', baseUrl: '' };
  return mayHandBack(await availableNodes(ctx), nodeId);
}
