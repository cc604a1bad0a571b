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

type NodeRow = { id: string; free: number };

/**
 * How long the fleet as read from D1 answers hand-back checks (ADR 0064): the check ran on every result, one D1 read
 * between a result and the next task. The table itself is only as fresh as the nodes' heartbeats (a node beats when
 * a slot frees without a task, and every few seconds), so a second more adds little: a node that joins mid-run is
 * seen at most this long after its first heartbeat.
 */
export const NODE_VIEW_TTL_MS = 1000;

/** The node table read at most once per `ttlMs` (the last read's rows, not a promise: a request never awaits another's I/O). */
export class NodeView {
  #rows: NodeRow[] | null = null;
  #at = 0;
  constructor(private readonly read: () => Promise<NodeRow[]>, private readonly ttlMs = NODE_VIEW_TTL_MS, private readonly clock = Date.now) {}

  async nodes(): Promise<NodeRow[]> {
    const now = this.clock();
    if (this.#rows && now - this.#at < this.ttlMs) return this.#rows;
    const rows = await this.read();
    this.#rows = rows;
    this.#at = now;
    return rows;
  }
}

// One per isolate: the coordinators of every run in it share the read (the rows carry no run's data).
let view: NodeView | null = null;

/** mayHandBack over the fleet as the edge knew it at most NODE_VIEW_TTL_MS ago (D1's node table). */
export async function mayHandBackNow(env: Env, nodeId: string | undefined): Promise<boolean> {
  view ??= new NodeView(() => availableNodes({ env, db: createDb(env), log: createLogger({ component: 'hand-back' }), requestId: 'hand-back', baseUrl: '' }));
  return mayHandBack(await view.nodes(), nodeId);
}
