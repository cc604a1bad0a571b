import type { Task } from '@trawl/schemas';

/** What the supervisor needs to report a task of a dead node process to its coordinator (supervisor.ts). */
export type TaskRef = Pick<Task, 'runId' | 'taskId' | 'leaseToken' | 'attempt' | 'url' | 'edgeUrl'>;

/** Node process to supervisor over IPC: a task was taken, or it is over (reported or handed back). */
export interface TaskMessage {
  type: 'trawl.task';
  phase: 'started' | 'ended';
  task: TaskRef;
}

export function taskMessage(phase: TaskMessage['phase'], t: Task): TaskMessage {
  return { type: 'trawl.task', phase, task: { runId: t.runId, taskId: t.taskId, leaseToken: t.leaseToken, attempt: t.attempt, url: t.url, edgeUrl: t.edgeUrl } };
}

export function isTaskMessage(m: unknown): m is TaskMessage {
  if (typeof m !== 'object' || m === null) return false;
  const { type, phase, task } = m as Partial<TaskMessage>;
  return type === 'trawl.task' && (phase === 'started' || phase === 'ended') && typeof task?.taskId === 'string'
    && typeof task.runId === 'string' && typeof task.leaseToken === 'string' && typeof task.edgeUrl === 'string';
}
