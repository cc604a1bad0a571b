import type { RunEventInput } from '@trawl/schemas';
import type { EdgeAnswer } from './edge-client.ts';

export interface BatcherOptions {
  send: (events: RunEventInput[]) => Promise<EdgeAnswer>;
  /** Called once when the edge says the task is no longer ours (409/404). */
  onGone: () => void;
  flushMs?: number;
  maxBatch?: number;
  /** Events kept while the edge is unreachable; older ones are dropped past this. */
  maxBuffered?: number;
}

/**
 * Collects a task's events and sends them in batches (every flushMs or maxBatch events), one
 * request at a time. push() never waits, so page work is never held up by the edge.
 */
export class EventBatcher {
  #buffer: RunEventInput[] = [];
  #timer: NodeJS.Timeout | null = null;
  #sending: Promise<void> | null = null;
  #stopped = false;
  dropped = 0;

  constructor(private readonly opts: BatcherOptions) {}

  push(event: RunEventInput): void {
    if (this.#stopped) return;
    this.#buffer.push(event);
    const cap = this.opts.maxBuffered ?? 500;
    if (this.#buffer.length > cap) this.dropped += this.#buffer.splice(0, this.#buffer.length - cap).length;
    if (this.#buffer.length >= (this.opts.maxBatch ?? 50)) void this.#flushSoon(0);
    else void this.#flushSoon(this.opts.flushMs ?? 200);
  }

  /**
   * Ends the batcher and hands back what it has not sent, after any send in flight has landed (so these follow it):
   * the task's last events then travel with its result in one call.
   */
  async drain(): Promise<RunEventInput[]> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#sending;
    const rest = this.#stopped ? [] : this.#buffer;
    this.stop();
    // A batch put back after a failed send can push the buffer past its cap; a result carries at most 500 events.
    const cap = Math.min(500, this.opts.maxBuffered ?? 500);
    if (rest.length > cap) this.dropped += rest.splice(0, rest.length - cap).length;
    return rest;
  }

  /** Discards everything: the task is gone or finished. */
  stop(): void {
    this.#stopped = true;
    this.#buffer = [];
    if (this.#timer) clearTimeout(this.#timer);
  }

  #flushSoon(ms: number): void {
    if (this.#timer && ms > 0) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      if (!this.#sending) void this.#sendOnce();
    }, ms);
  }

  #sendOnce(): Promise<void> {
    const batch = this.#buffer.splice(0, this.opts.maxBatch ?? 50);
    if (batch.length === 0) return Promise.resolve();
    this.#sending = this.opts.send(batch).then((answer) => {
      if (answer.kind === 'gone') {
        this.stop();
        this.opts.onGone();
      } else if (answer.kind === 'retry') {
        // Keep them for the next flush; a rejected (4xx) batch would fail again, so it is dropped.
        this.#buffer.unshift(...batch);
        if (!this.#stopped) this.#flushSoon(this.opts.flushMs ?? 200);
      }
    }).finally(() => {
      this.#sending = null;
      if (this.#buffer.length && !this.#timer && !this.#stopped) this.#flushSoon(this.opts.flushMs ?? 200);
    });
    return this.#sending;
  }
}
