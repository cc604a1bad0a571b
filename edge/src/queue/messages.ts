import type { Task } from '@trawl/schemas';

/** A `tasks` queue message is the whole dispatch payload: the consumer needs nothing else to send it to a node. */
export type TaskMessage = Task;
