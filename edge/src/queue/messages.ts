import { TASK_OFFER_MAX, TASK_OFFER_VERSION, type Task, type TaskQueueMessage } from '@trawl/schemas';

/** A `tasks` queue message is the whole dispatch payload: the consumer needs nothing else to offer it to a node. */
export type TaskMessage = TaskQueueMessage;

/** A queue message holds at most 128 KB; a batch stays well under it so a large spec never makes a send fail. */
export const TASK_MESSAGE_MAX_BYTES = 96 * 1024;

/**
 * The queue messages for a dispatch's tasks (ADR 0064): batches of up to TASK_OFFER_MAX tasks and
 * TASK_MESSAGE_MAX_BYTES, in order; a lone task goes as the plain single-task message (the format a consumer or
 * node from before the batches reads too).
 */
export function taskMessagesOf(tasks: readonly Task[], maxBytes = TASK_MESSAGE_MAX_BYTES): TaskMessage[] {
  const groups: Task[][] = [];
  let group: Task[] = [];
  let bytes = 0;
  for (const t of tasks) {
    const size = JSON.stringify(t).length + 1;
    if (group.length > 0 && (group.length >= TASK_OFFER_MAX || bytes + size > maxBytes)) {
      groups.push(group);
      group = [];
      bytes = 0;
    }
    group.push(t);
    bytes += size;
  }
  if (group.length) groups.push(group);
  return groups.map((g) => (g.length === 1 ? g[0]! : { v: TASK_OFFER_VERSION, tasks: g }));
}
