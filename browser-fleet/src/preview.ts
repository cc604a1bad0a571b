import type { Page } from 'playwright-core';
import { PREVIEW_ITEM_LIMIT, type PreviewResult, type Task } from '@trawl/schemas';
import { reportOf } from '@trawl/engine';
import type { EgressProxy } from './egress/proxy.ts';
import type { ContextSource } from './pool.ts';
import { runTask } from './runner.ts';
import { visibleTextWarnings } from './visible-check.ts';

export interface PreviewDeps {
  pool: ContextSource;
  nodeId: string;
  egress?: EgressProxy;
}

/**
 * One page through the very runner a run uses (same rules, engine, soft-failure checks and egress), answered
 * synchronously: items, fill rates, warnings and a screenshot of the page as extraction left it.
 */
export async function runPreview(task: Task, deps: PreviewDeps, screenshot = true): Promise<PreviewResult> {
  let page: Page | null = null;
  let png: string | null = null;
  let seen: string[] = [];
  let matched = 0;
  let incomplete = 0;
  const steps: PreviewResult['steps'] = [];
  const result = await runTask(task, deps.pool, {
    nodeId: deps.nodeId,
    egress: deps.egress,
    onEvent: (e) => {
      if (e.type === 'page.step' && steps.length < 200) steps.push({ message: e.message, level: e.level ?? 'info', data: e.data });
      if (e.type !== 'items.extracted') return;
      matched += Number(e.data?.matched ?? 0);
      incomplete += Number(e.data?.incomplete ?? 0);
    },
    observer: {
      attach: async (_context, p) => {
        page = p;
      },
      beforeClose: async (failed) => {
        if (page && !failed) seen = await visibleTextWarnings(page as Page, task.spec).catch(() => []);
        if (!screenshot || !page) return;
        png = (await (page as Page).screenshot({ type: 'png', timeout: 5000 }).catch(() => null))?.toString('base64') ?? null;
      },
    },
  });
  const report = reportOf(result.items, task.spec.fields, matched, incomplete, result.unparsed);
  report.warnings.push(...seen);
  if (result.error) report.warnings.unshift(`${result.error.code}: ${result.error.message}`);
  const stop = result.paginationUnfinished;
  if (stop) {
    report.warnings.push(stop.reason === 'containerNotScrolled'
      ? `PAGINATION_UNFINISHED: ${stop.step} scrolled the window, but the items sit in ${stop.selector}, a scrollable container with more below (set pagination.container)`
      : `PAGINATION_UNFINISHED: ${stop.step} stopped (${stop.reason}) while ${stop.selector} was still visible and enabled`);
  }
  return {
    url: task.url, finalUrl: result.finalUrl, httpStatus: result.httpStatus, outcome: result.outcome,
    items: result.items.slice(0, PREVIEW_ITEM_LIMIT), itemCount: result.items.length, matched, incomplete,
    fillRates: report.fillRates, warnings: report.warnings, steps, discovered: result.discovered, error: result.error,
    screenshot: png, timings: result.timings,
  };
}
