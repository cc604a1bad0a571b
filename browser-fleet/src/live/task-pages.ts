import type { BrowserContext, Page } from 'playwright-core';
import type { Task } from '@trawl/schemas';
import type { TaskObserver } from '../task-observer.ts';

/** A task in flight as the live view needs it (issue #13 §2, ADR 0044); its page exists once the runner made it. */
export interface TaskPage {
  runId: string;
  orgId: string;
  taskId: string;
  /** Resolves when the runner has made the task's context and page (a watcher may come before). */
  ready: Promise<{ context: BrowserContext; page: Page }>;
  /** A stored login is being filled in: no frame may leave (its fields, a one-time code). */
  hidden: boolean;
}

interface Entry extends TaskPage { resolve: (v: { context: BrowserContext; page: Page }) => void; onEnd: Set<() => void> }

/**
 * The node's tasks in flight, by task id, from the start of the task's session to its end. The runner tells it
 * through an observer when the page exists; the end calls every watcher's end. Nothing here watches a page unless
 * someone asked: it only holds references.
 */
export class TaskPages {
  readonly #tasks = new Map<string, Entry>();

  /** The task's session starts: watchers may come from now on. Returns the observer that hands over its page. */
  begin(task: Task): TaskObserver {
    let resolve: Entry['resolve'] = () => undefined;
    const ready = new Promise<{ context: BrowserContext; page: Page }>((r) => { resolve = r; });
    const entry: Entry = { runId: task.runId, orgId: task.orgId, taskId: task.taskId, ready, resolve, hidden: false, onEnd: new Set() };
    this.#tasks.set(task.taskId, entry);
    return {
      attach: (context, page) => {
        entry.resolve({ context, page });
        return Promise.resolve();
      },
      loginStarted: () => this.#hide(entry, true),
      loginEnded: () => this.#hide(entry, false),
    };
  }

  /** The task running here for that run and organization; null otherwise (never another run's). */
  get(taskId: string, runId: string, orgId: string): TaskPage | null {
    const p = this.#tasks.get(taskId);
    return p && p.runId === runId && p.orgId === orgId ? p : null;
  }

  /** Called once when the task is over (or at once if it already is); returns a function that cancels it. */
  onEnd(taskId: string, fn: () => void): () => void {
    const entry = this.#tasks.get(taskId);
    if (!entry) {
      fn();
      return () => undefined;
    }
    entry.onEnd.add(fn);
    return () => entry.onEnd.delete(fn);
  }

  /** The task is over: it is forgotten and its watchers told. */
  end(taskId: string): void {
    const entry = this.#tasks.get(taskId);
    this.#tasks.delete(taskId);
    for (const fn of entry?.onEnd ?? []) fn();
  }

  #hide(entry: Entry, hidden: boolean): Promise<void> {
    entry.hidden = hidden;
    return Promise.resolve();
  }
}
