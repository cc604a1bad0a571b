import { describe, expect, it } from 'vitest';
import { JobSpec, taskSpecOf, detailTaskSpecOf } from '@trawl/schemas';
import { chooseRender, emptySiteRender, evidenceOf, RECHECK_EVERY, SAMPLE } from '../src/coordinator/render-choice.ts';

const job = (over: Record<string, unknown> = {}) => JobSpec.parse({
  startUrls: ['https://shop.example/list'], itemSelector: 'li', fields: { name: { selector: '.n' }, url: { selector: 'a', source: 'attr', attr: 'href' } }, ...over,
});
const site = (identical: number, differs: number, fast: number, errors = 0) => ({ identical, differs, fast, errors });

describe('chooseRender', () => {
  it('keeps the browser by default and when the job forces it, whatever the site showed', () => {
    expect(job().render).toBe('browser');
    expect(chooseRender(job(), taskSpecOf(job()), site(50, 0, 0))).toEqual({ mode: 'browser', reason: 'forced-browser' });
  });

  it('auto: compares a new site\'s first pages, then takes the fast path, and compares every RECHECK_EVERY-th page again', () => {
    const j = job({ render: 'auto' });
    const spec = taskSpecOf(j);
    expect(chooseRender(j, spec, emptySiteRender())).toEqual({ mode: 'compare', reason: 'sampling' });
    expect(chooseRender(j, spec, site(SAMPLE - 1, 0, 0))).toEqual({ mode: 'compare', reason: 'sampling' });
    expect(chooseRender(j, spec, site(SAMPLE, 0, 0))).toEqual({ mode: 'http', reason: 'fast-path' });
    expect(chooseRender(j, spec, site(SAMPLE, 0, RECHECK_EVERY - 1))).toEqual({ mode: 'compare', reason: 'recheck' });
    expect(chooseRender(j, spec, site(SAMPLE, 0, RECHECK_EVERY))).toEqual({ mode: 'http', reason: 'fast-path' });
  });

  it('auto: one difference sends the site to the browser for good, however many pages were identical', () => {
    const j = job({ render: 'auto' });
    expect(chooseRender(j, taskSpecOf(j), site(40, 1, 30))).toEqual({ mode: 'browser', reason: 'site-differs' });
  });

  it('auto: errors of the fast path\'s own are no verdict until SAMPLE of them, then the site goes to the browser', () => {
    const j = job({ render: 'auto' });
    expect(chooseRender(j, taskSpecOf(j), site(SAMPLE, 0, 4, SAMPLE - 1))).toEqual({ mode: 'http', reason: 'fast-path' });
    expect(chooseRender(j, taskSpecOf(j), site(SAMPLE, 0, 4, SAMPLE))).toEqual({ mode: 'browser', reason: 'site-differs' });
  });

  it('sends specs only a browser can run to it, in auto, and a detail task with steps even when the job forced http', () => {
    const cases: Array<Record<string, unknown>> = [
      { actions: [{ do: 'click', selector: 'button.more' }] },
      { pagination: { type: 'loadMore', selector: 'button.more' } },
      { fields: { name: { selector: '.n', source: 'visible' } } },
      { frame: 'iframe#list' },
      { login: { id: 'lgn_1' } },
    ];
    for (const over of cases) {
      const j = job({ render: 'auto', ...over });
      expect(chooseRender(j, taskSpecOf(j), site(SAMPLE, 0, 0)), JSON.stringify(over)).toEqual({ mode: 'browser', reason: 'spec-needs-browser' });
    }
    const forced = job({ render: 'http', detail: { urlField: 'url', fields: { d: { selector: '.d' } } } });
    const detailWithSteps = { ...detailTaskSpecOf(forced)!, actions: [{ do: 'click' as const, selector: 'button', timeoutMs: 100, optional: false }] };
    expect(chooseRender(forced, taskSpecOf(forced), emptySiteRender())).toEqual({ mode: 'http-only', reason: 'forced-http' });
    expect(chooseRender(forced, detailWithSteps as never, emptySiteRender())).toEqual({ mode: 'browser', reason: 'spec-needs-browser' });
  });
});

describe('evidenceOf', () => {
  it('learns from comparisons and fallbacks only', () => {
    expect(evidenceOf({ mode: 'browser', reason: 'identical', compared: 'identical' })).toBe('identical');
    expect(evidenceOf({ mode: 'browser', reason: 'differs', compared: 'differs' })).toBe('differs');
    expect(evidenceOf({ mode: 'browser', reason: 'fallback-empty' })).toBe('differs');
    expect(evidenceOf({ mode: 'browser', reason: 'fallback-soft-failure' })).toBe('differs');
    expect(evidenceOf({ mode: 'browser', reason: 'fallback-error' })).toBe('errors');
    expect(evidenceOf({ mode: 'http', reason: 'fast-path' })).toBe(null);
    expect(evidenceOf({ mode: 'browser', reason: 'sampling' })).toBe(null);
    expect(evidenceOf(undefined)).toBe(null);
  });
});

describe('render "http" on save', () => {
  it('is refused, on the render path, for a job that needs a browser', () => {
    const r = JobSpec.safeParse({ startUrls: ['https://a.example/'], itemSelector: 'li', fields: { n: {} }, render: 'http', actions: [{ do: 'click', selector: 'button' }] });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['render', 'render "http" reads pages without a browser, but this job\'s actions needs one: use render "auto" or "browser"']]);
    expect(JobSpec.safeParse({ startUrls: ['https://a.example/'], itemSelector: 'li', fields: { n: {} }, render: 'auto', actions: [{ do: 'click', selector: 'button' }] }).success).toBe(true);
  });
});
