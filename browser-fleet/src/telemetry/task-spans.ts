import { randomBytes } from 'node:crypto';
import { parseTraceparent, traceIdOf, type Task, type TaskResult } from '@trawl/schemas';
import type { Step } from '../failure.ts';
import type { TaskObserver } from '../task-observer.ts';
import type { SpanSink } from './otlp-exporter.ts';

const newSpanId = (): string => randomBytes(8).toString('hex');

/**
 * One span per task and one per step under it, in the run's trace: the trace id comes from the task's
 * traceparent (the run id), and the task span's parent is the span the edge named for the task.
 */
export class TaskSpans implements TaskObserver {
  readonly traceId: string;
  readonly spanId = newSpanId();
  readonly #parent: string | undefined;
  readonly #started = Date.now();
  #open: { step: Step; spanId: string; startMs: number } | null = null;
  readonly #steps: Array<{ step: Step; spanId: string; startMs: number; endMs: number }> = [];

  constructor(private readonly task: Task, private readonly sink: SpanSink) {
    const ctx = parseTraceparent(task.traceparent);
    this.traceId = ctx?.traceId ?? traceIdOf(task.runId);
    this.#parent = ctx?.parentSpanId;
  }

  async step(step: Step): Promise<void> {
    this.#close();
    this.#open = { step, spanId: newSpanId(), startMs: Date.now() };
  }

  /** Ends every span; the failing step's span carries the error. */
  end(result: TaskResult | null): void {
    this.#close();
    const { task } = this;
    const failedStep = result?.error?.step;
    for (const s of this.#steps) {
      this.sink.export({
        traceId: this.traceId, spanId: s.spanId, parentSpanId: this.spanId, name: `step ${s.step}`, startMs: s.startMs, endMs: s.endMs,
        attributes: { 'trawl.step': s.step, 'trawl.task_id': task.taskId }, error: failedStep === s.step ? result?.error?.code : undefined,
      });
    }
    this.sink.export({
      traceId: this.traceId, spanId: this.spanId, parentSpanId: this.#parent, name: 'task', startMs: this.#started, endMs: Date.now(),
      attributes: {
        'trawl.run_id': task.runId, 'trawl.task_id': task.taskId, 'trawl.org_id': task.orgId, 'trawl.attempt': task.attempt,
        'url.full': task.url, 'trawl.outcome': result?.outcome ?? 'dropped', 'trawl.items': result?.items.length,
        'http.response.status_code': result?.httpStatus, 'error.type': result?.error?.code,
      },
      error: result?.error ? `${result.error.code}: ${result.error.message}` : undefined,
    });
  }

  #close(): void {
    if (this.#open) this.#steps.push({ ...this.#open, endMs: Date.now() });
    this.#open = null;
  }
}
