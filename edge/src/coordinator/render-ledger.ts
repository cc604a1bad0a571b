/**
 * The run's render bookkeeping (ADR 0049) on the coordinator's counters: each site's evidence, the pages rendered
 * each way and why, and the pages a forced fast path lost. The decisions themselves are render-choice.ts's.
 */
import { RENDER_REASONS, type JobSpec, type RenderCounts, type RenderReport, type TaskSpec } from '@trawl/schemas';
import type { DetailStore } from './detail-store.ts';
import { chooseRender, evidenceOf, type RenderChoice, type SiteRender } from './render-choice.ts';

export class RenderLedger {
  constructor(private readonly counters: Pick<DetailStore, 'bump' | 'counter'>) {}

  /** The way this page goes; a fast-path choice counts toward the site's recheck cadence. */
  choose(job: JobSpec, task: TaskSpec, site: string): RenderChoice {
    const choice = this.peek(job, task, site);
    this.commit(site, choice);
    return choice;
  }

  /** The way this page would go now, counting nothing (render-lanes.ts peeks before it knows the lane has room). */
  peek(job: JobSpec, task: TaskSpec, site: string): RenderChoice {
    return chooseRender(job, task, this.#site(site));
  }

  /**
   * Records a choice as made: a fast-path page and a recheck both count toward the site's recheck cadence (a recheck
   * that did not count asked for a recheck again on every later page: the 100-page `auto` bench went to the browser
   * from its 10th fast page on, ADR 0058).
   */
  commit(site: string, choice: RenderChoice): void {
    if (choice.mode === 'http' || choice.reason === 'recheck') this.counters.bump(`render.site.${site}.fast`);
  }

  /** Counts a result's render report (succeeded or failed: every attempt rendered one way) and learns from it. */
  record(site: string, report: RenderReport | undefined): void {
    const r = report ?? { mode: 'browser', reason: 'forced-browser' };
    this.counters.bump(`render.${r.mode}`);
    this.counters.bump(`render.reason.${r.reason}`);
    if (r.lost) this.counters.bump('render.lost');
    const learnt = evidenceOf(report);
    if (learnt) this.counters.bump(`render.site.${site}.${learnt}`);
  }

  counts(): RenderCounts {
    const reasons: Record<string, number> = {};
    for (const r of RENDER_REASONS) {
      const n = this.counters.counter(`render.reason.${r}`);
      if (n) reasons[r] = n;
    }
    return { http: this.counters.counter('render.http'), browser: this.counters.counter('render.browser'), reasons };
  }

  lost(): number {
    return this.counters.counter('render.lost');
  }

  #site(site: string): SiteRender {
    const n = (k: keyof SiteRender): number => this.counters.counter(`render.site.${site}.${k}`);
    return { identical: n('identical'), differs: n('differs'), fast: n('fast'), errors: n('errors') };
  }
}
