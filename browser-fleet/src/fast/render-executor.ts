import type { RenderReport, Task, TaskResult } from '@trawl/schemas';
import type { ContextSource } from '../pool.ts';
import { runTask, type RunHooks } from '../runner.ts';
import { runFastTask } from './fast-task.ts';
import { sameRecords } from './same-records.ts';

/**
 * The node's task executors side by side (ADR 0049): the browser (runner.ts) and the fast path (fast-task.ts), chosen
 * per task by the coordinator (`task.render`). The fast path falls back to the browser in the same task on any sign
 * it cannot stand for it; a job that forced http gets the fast result and its loss reported; `compare` runs both and
 * keeps the browser's records. Every result says how it was rendered (`render`), with a `page.render` event.
 */
export async function executeTask(task: Task, source: ContextSource, hooks: RunHooks): Promise<TaskResult> {
  const asked = task.render ?? { mode: 'browser', reason: 'forced-browser' };
  let result: TaskResult;
  let report: RenderReport;
  let detail = '';
  switch (asked.mode) {
    case 'browser':
      result = await runTask(task, source, hooks);
      report = { mode: 'browser', reason: asked.reason };
      break;
    case 'http': {
      const fast = await runFastTask(task, hooks, false);
      if (fast.needsBrowser) {
        detail = fast.result.error?.message ?? '';
        result = await runTask(task, source, hooks);
        report = { mode: 'browser', reason: fast.needsBrowser };
      } else {
        result = fast.result;
        report = { mode: 'http', reason: 'fast-path' };
      }
      break;
    }
    case 'http-only': {
      const fast = await runFastTask(task, hooks, true);
      result = fast.result;
      report = { mode: 'http', reason: 'forced-http', ...(fast.needsBrowser ? { lost: true } : {}) };
      if (fast.needsBrowser) detail = `the page looks like it needs a browser (${fast.needsBrowser}); its records may be missing`;
      break;
    }
    case 'compare': {
      // The fast path's events and blocked requests would repeat the browser's: only the comparison is reported.
      const fast = await runFastTask(task, { ...hooks, onEvent: undefined }, false);
      result = await runTask(task, source, hooks);
      if (result.outcome === 'succeeded' && fast.needsBrowser === 'fallback-error') {
        // Our own failure (fetch error, unsupported selector) is no verdict on the page: counted apart (render-choice.ts).
        report = { mode: 'browser', reason: 'fallback-error' };
        detail = fast.result.error?.message ?? '';
      } else if (result.outcome === 'succeeded') {
        const same = !fast.needsBrowser && sameRecords(fast.result, result, task.spec);
        report = { mode: 'browser', reason: same ? 'identical' : 'differs', compared: same ? 'identical' : 'differs' };
        if (!same) detail = fast.needsBrowser ? `the fast path needed a browser (${fast.needsBrowser})` : `${fast.result.items.length} item(s) over HTTP, ${result.items.length} in the browser, or different values`;
      } else {
        // A page the browser could not read either says nothing about the fast path.
        report = { mode: 'browser', reason: asked.reason };
      }
      break;
    }
  }
  hooks.onEvent?.({
    type: 'page.render', level: report.lost ? 'warn' : 'info', ts: Date.now(), taskId: task.taskId, url: task.url,
    message: `rendered ${report.mode === 'http' ? 'over HTTP without a browser' : 'in the browser'} (${report.reason})${detail ? `: ${detail}` : ''}`,
    data: { ...report, asked: asked.mode },
  });
  return { ...result, render: report };
}
