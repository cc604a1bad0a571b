import type { PaginationUnfinished } from '@trawl/schemas';
import type { PageTools } from './tools.ts';

/** Step events one task sends at most; past it they are counted and summed up in one last event. */
export const MAX_STEP_EVENTS = 60;

export interface StepEnd {
  step: PaginationUnfinished['step'];
  selector: string;
  /** Why it ended: done (control gone, end reached) or a limit. */
  reason: PaginationUnfinished['reason'] | 'done';
  /** The control was still visible and enabled when it ended. */
  controlVisible: boolean;
  /** Clicks, pages or scrolls done. */
  steps: number;
  items: number;
}

/**
 * The in-page steps of one task (clicks, scrolls, panels opened, items so far) as `page.step` events in the run log
 * and the preview, so a user sees where loading stopped. Bounded: the first MAX_STEP_EVENTS go out as they happen,
 * the rest are only counted, and `end()` always reports how it ended with that count.
 */
export class StepLog {
  #sent = 0;
  #skipped = 0;
  #end: StepEnd | null = null;

  constructor(private readonly tools: Pick<PageTools, 'emit'>) {}

  step(message: string, data: Record<string, unknown>): void {
    if (this.#sent >= MAX_STEP_EVENTS) {
      this.#skipped++;
      return;
    }
    this.#sent++;
    this.tools.emit('page.step', message, data);
  }

  /** How pagination ended; always sent, with the number of step events left out. */
  end(end: StepEnd): void {
    this.#end = end;
    const how = end.reason === 'done' ? 'ended' : `stopped (${end.reason})`;
    const visible = end.controlVisible ? `; ${end.selector} is still visible and enabled` : '';
    const skipped = this.#skipped ? `; ${this.#skipped} step event(s) not logged (cap ${MAX_STEP_EVENTS} per task)` : '';
    this.tools.emit('page.step', `${end.step} ${how} after ${end.steps} step(s), ${end.items} item(s)${visible}${skipped}`,
      { ...end, end: true, skippedEvents: this.#skipped }, end.controlVisible ? 'warn' : 'info');
  }

  /** Pagination that ended on a limit with its control still usable: the run's PAGINATION_UNFINISHED warning. */
  unfinished(): PaginationUnfinished | undefined {
    const e = this.#end;
    if (!e || !e.controlVisible || e.reason === 'done') return undefined;
    return { step: e.step, selector: e.selector, reason: e.reason };
  }
}
