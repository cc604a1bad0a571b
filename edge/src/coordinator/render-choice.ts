/**
 * How each page of a run is rendered (issue #15 §1, ADR 0049), decided by evidence per site: the first pages of a
 * site are rendered both ways (`compare`); once SAMPLE of them gave identical records the site's pages take the
 * fast path, and every RECHECK_EVERY-th is compared again. One difference, or a fast page that fell back to the
 * browser, sends the site's remaining pages to the browser for the rest of the run. Pure: the table tests pin it.
 */
import { browserNeededBy, type JobSpec, type RenderReason, type RenderReport, type TaskRender, type TaskSpec } from '@trawl/schemas';

export const SAMPLE = 3;
export const RECHECK_EVERY = 10;

/** What a run knows of one site's pages so far. */
export interface SiteRender {
  /** Pages rendered both ways whose records were identical. */
  identical: number;
  /** Pages whose fast path differed or fell back to the browser: the site needs one. */
  differs: number;
  /** Pages sent down the fast path or rechecked (the recheck cadence). */
  fast: number;
  /**
   * Fast-path attempts that failed on our side (a fetch error, a selector the DOM library lacks): no verdict on the
   * page, so one does not condemn the site (a transient error under load would), but SAMPLE of them send it to the browser.
   */
  errors: number;
}

export const emptySiteRender = (): SiteRender => ({ identical: 0, differs: 0, fast: 0, errors: 0 });

export interface RenderChoice { mode: TaskRender; reason: RenderReason }

export function chooseRender(job: Pick<JobSpec, 'render' | 'login' | 'session'>, task: TaskSpec, site: SiteRender): RenderChoice {
  if (job.render === 'browser') return { mode: 'browser', reason: 'forced-browser' };
  // Validation refuses a forced `http` on a job that needs a browser; a detail task's own steps still get one.
  const needs = browserNeededBy({ ...task, login: job.login, session: job.session });
  if (needs) return { mode: 'browser', reason: 'spec-needs-browser' };
  if (job.render === 'http') return { mode: 'http-only', reason: 'forced-http' };
  if (site.differs > 0 || site.errors >= SAMPLE) return { mode: 'browser', reason: 'site-differs' };
  if (site.identical < SAMPLE) return { mode: 'compare', reason: 'sampling' };
  if ((site.fast + 1) % RECHECK_EVERY === 0) return { mode: 'compare', reason: 'recheck' };
  return { mode: 'http', reason: 'fast-path' };
}

/** The site's evidence after a page's result (a counter name to bump, or null when the page taught nothing). */
export function evidenceOf(report: RenderReport | undefined): keyof Omit<SiteRender, 'fast'> | null {
  if (!report) return null;
  if (report.reason === 'fallback-error') return 'errors';
  if (report.compared) return report.compared === 'identical' ? 'identical' : 'differs';
  return report.reason.startsWith('fallback-') ? 'differs' : null;
}
