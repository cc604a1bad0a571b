import type { BrowserContext, Page } from 'playwright-core';
import type { Task } from '@trawl/schemas';
import type { TaskObserver } from '../task-observer.ts';

/** A task's page while the task runs, as the live view needs it (issue #13 §2, ADR 0044). */
export interface TaskPage {
  runId: string;
  orgId: string;
  taskId: string;
  context: BrowserContext;
  page: Page;
  /** A stored login is being filled in: no frame may leave (its fields, a one-time code). */
  hidden: boolean;
}

type Ended = () => void;

/**
 * The node's pages of tasks in flight, by task id. The runner tells it through an observer when a task's page exists;
 * the task's session removes it when the task is over, which ends every screencast of it. Nothing here watches a page
 * unless someone asked: the registry only holds references.
 */
export class TaskPages {
  readonly #pages = new Map<string, TaskPage>();
  readonly #onEnd = new Map<string, Set<Ended>>();

  /** An observer for one task: records its page once the runner has made it. */
  observer(task: Task): TaskObserver {
    return {
      attach: (context, page) => {
        this.#pages.set(task.taskId, { runId: task.runId, orgId: task.orgId, taskId: task.taskId, context, page, hidden: false });
        return Promise.resolve();
      },
      loginStarted: () => this.#hide(task.taskId, true),
      loginEnded: () => this.#hide(task.taskId, false),
    };
  }

  /** The page of a task running here for that run and organization; null otherwise (never another run's). */
  get(taskId: string, runId: string, orgId: string): TaskPage | null {
    const p = this.#pages.get(taskId);
    return p && p.runId === runId && p.orgId === orgId ? p : null;
  }

  /** Called once when the task is over (or at once if it already is); returns a function that cancels it. */
  onEnd(taskId: string, fn: Ended): () => void {
    if (!this.#pages.has(taskId)) {
      fn();
      return () => undefined;
    }
    const set = this.#onEnd.get(taskId) ?? new Set<Ended>();
    set.add(fn);
    this.#onEnd.set(taskId, set);
    return () => set.delete(fn);
  }

  #hide(taskId: string, hidden: boolean): Promise<void> {
    const p = this.#pages.get(taskId);
    if (p) p.hidden = hidden;
    return Promise.resolve();
  }

  /** The task is over: its page is forgotten and its watchers told. */
  remove(taskId: string): void {
    this.#pages.delete(taskId);
    const set = this.#onEnd.get(taskId);
    this.#onEnd.delete(taskId);
    for (const fn of set ?? []) fn();
  }
}
