/**
 * Several tasks of one dispatch in one queue message and one offer to a node (ADR 0064). The consumer offers the
 * batch to the roomiest node; the node takes, in order, the tasks that fit its free slots of their kind (http slots
 * for fast-path tasks, browser slots for the others) and answers which it took; the rest go to the next node. Each
 * task keeps its own lease: taking a task here is exactly what taking it through the single route is.
 */
import { z } from 'zod';
import { Task } from './task.ts';

/** A node's two kinds of slots: browser pages, and fast-path fetches (ADR 0058). */
export type SlotKind = 'browser' | 'http';

/**
 * The slot kind a task asks for: the fast path's `http` and `http-only` need no browser page up front. The node
 * admits by it, and the edge counts by it the browser slots a node took (its heartbeat's `free` is browser slots).
 */
export function slotKindOf(task: { render?: { mode: string } | undefined }): SlotKind {
  const mode = task.render?.mode;
  return mode === 'http' || mode === 'http-only' ? 'http' : 'browser';
}

/** The protocol's version: a node refuses (400) a batch of a version it does not know, and is offered tasks one by one. */
export const TASK_OFFER_VERSION = 1;
/** Tasks in one message and one offer at most: a node holds 16 http slots by default, and a message stays small. */
export const TASK_OFFER_MAX = 16;

export const TaskOffer = z.object({
  v: z.literal(TASK_OFFER_VERSION),
  tasks: z.array(Task).min(1).max(TASK_OFFER_MAX)
    .refine((ts) => new Set(ts.map((t) => t.taskId)).size === ts.length, { message: 'a task appears twice in the offer' }),
});
export type TaskOffer = z.infer<typeof TaskOffer>;

/** What the node took: the ids of the offered tasks it runs now (a repeat of a task it already runs counts as taken). */
export const TaskOfferAnswer = z.object({ nodeId: z.string(), taken: z.array(z.string()) });
export type TaskOfferAnswer = z.infer<typeof TaskOfferAnswer>;

/**
 * A `tasks` queue message: one task (the message before ADR 0064, still sent for a lone task and accepted from
 * messages in flight across a deploy), or a batch. `tries` carries the deliveries a batch's remainder already had
 * in an earlier message (a part taken, the rest sent again), so the dead-letter bound holds across the re-send.
 */
export type TaskQueueMessage = Task | (TaskOffer & { tries?: number });

/** The tasks a queue message carries, in order. */
export function tasksOf(m: TaskQueueMessage): Task[] {
  return 'tasks' in m ? m.tasks : [m];
}
