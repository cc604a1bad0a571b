/**
 * The live progress of a run, counted from its events: pages done of pages known, items, retries and errors.
 * Drawn with cli-progress on stderr (only on a terminal), so stdout stays clean for the results path or --json.
 */
import cliProgress from 'cli-progress';
import type { RunEvent } from '@trawl/sdk';

/** `pagesSeen`: the pages the run has started so far (the run finds more as it follows next links). */
export interface RunTally { pagesSeen: ReadonlySet<string>; pagesDone: number; items: number; retries: number; errors: number }

export function emptyTally(): RunTally {
  return { pagesSeen: new Set(), pagesDone: 0, items: 0, retries: 0, errors: 0 };
}

/** Folds one event into the tally (pure, so the counting is unit-testable without a terminal). */
export function tally(t: RunTally, e: RunEvent): RunTally {
  switch (e.type) {
    case 'task.started': return e.taskId && !t.pagesSeen.has(e.taskId) ? { ...t, pagesSeen: new Set([...t.pagesSeen, e.taskId]) } : t;
    case 'task.succeeded': return { ...t, pagesDone: t.pagesDone + 1 };
    case 'task.failed': return { ...t, pagesDone: t.pagesDone + 1, errors: t.errors + 1 };
    case 'task.retrying': return { ...t, retries: t.retries + 1 };
    case 'items.extracted': return { ...t, items: t.items + (typeof e.data?.count === 'number' ? e.data.count : 0) };
    default: return t;
  }
}

export class ProgressView {
  private readonly bar: cliProgress.SingleBar | null;

  constructor(enabled: boolean) {
    this.bar = enabled && process.stderr.isTTY
      ? new cliProgress.SingleBar({
        format: '{bar} pages {value}/{total} | items {items} | retries {retries} | errors {errors}',
        hideCursor: true, clearOnComplete: false, stopOnComplete: false,
      }, cliProgress.Presets.shades_classic)
      : null;
  }

  start(): void {
    this.bar?.start(0, 0, { items: 0, retries: 0, errors: 0 });
  }

  show(t: RunTally): void {
    if (!this.bar) return;
    this.bar.setTotal(Math.max(t.pagesSeen.size, t.pagesDone));
    this.bar.update(t.pagesDone, { items: t.items, retries: t.retries, errors: t.errors });
  }

  note(message: string): void {
    // SingleBar redraws its own line; a note goes on the line below and the bar redraws at the next update.
    process.stderr.write(`${this.bar ? '\n' : ''}${message}\n`);
  }

  stop(): void {
    this.bar?.stop();
  }
}
