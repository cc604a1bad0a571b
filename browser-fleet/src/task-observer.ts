import type { BrowserContext, Page } from 'playwright-core';
import type { Step } from './failure.ts';
import type { ContextOptions } from './pool.ts';

/**
 * What watches a task from inside the runner without the runner knowing who: the artifact recorder
 * (trace, HAR, screenshots) and the span tracker. Every method is optional and must not throw.
 */
export interface TaskObserver {
  /** Extra options for the task's context (HAR recording is a context option). */
  contextOptions?(): Partial<ContextOptions>;
  /** The context and its page exist; nothing has been fetched yet. */
  attach?(context: BrowserContext, page: Page): Promise<void>;
  /** The runner enters a step. */
  step?(step: Step): Promise<void>;
  /** A stored login runs from here to loginEnded (always called, in a finally): nothing may be recorded meanwhile. */
  loginStarted?(): Promise<void>;
  loginEnded?(): Promise<void>;
  /** The task's outcome is known and the context is still open (skipped when the task was stopped). */
  beforeClose?(failed: boolean, step: Step): Promise<void>;
}

/** One observer that calls each of `list` in order. */
export function combineObservers(list: TaskObserver[]): TaskObserver {
  return {
    contextOptions: () => Object.assign({}, ...list.map((o) => o.contextOptions?.() ?? {})) as Partial<ContextOptions>,
    async attach(context, page) {
      for (const o of list) await o.attach?.(context, page);
    },
    async step(step) {
      for (const o of list) await o.step?.(step);
    },
    async loginStarted() {
      for (const o of list) await o.loginStarted?.();
    },
    async loginEnded() {
      for (const o of list) await o.loginEnded?.();
    },
    async beforeClose(failed, step) {
      for (const o of list) await o.beforeClose?.(failed, step);
    },
  };
}
