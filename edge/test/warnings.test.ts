import { describe, expect, it } from 'vitest';
import { warningFailure, warningsOf, type WarningInputs } from '../src/coordinator/warnings.ts';

const none: WarningInputs = { unparsed: [], dropped: [], skipped: { maxPages: 0, maxItems: 0, duplicate: 0 } };

describe('run warnings', () => {
  it.each([
    ['nothing lost', none, []],
    ['duplicates lose nothing', { ...none, skipped: { maxPages: 0, maxItems: 0, duplicate: 7 } }, []],
    ['unparsed values summed per field and step, first example kept', {
      ...none,
      unparsed: [
        { field: 'price', step: 'number' as const, reason: 'ambiguous' as const, count: 2, example: '1,234' },
        { field: 'price', step: 'number' as const, reason: 'ambiguous' as const, count: 3, example: '9,999' },
        { field: 'when', step: 'date' as const, reason: 'unreadable' as const, count: 1, example: 'soon' },
      ],
    }, [
      { code: 'VALUES_UNPARSED', field: 'price', reason: 'number', count: 5, example: '1,234' },
      { code: 'VALUES_UNPARSED', field: 'when', reason: 'date', count: 1, example: 'soon' },
    ]],
    ['a time without zone is DATE_WITHOUT_ZONE once per field, not an unparsed value', {
      ...none,
      unparsed: [
        { field: 'listed', step: 'date' as const, reason: 'noZone' as const, count: 4, example: '30.11.2026 14:05' },
        { field: 'listed', step: 'date' as const, reason: 'noZone' as const, count: 2, example: '01.12.2026 09:00' },
      ],
    }, [
      { code: 'DATE_WITHOUT_ZONE', field: 'listed', reason: 'date', count: 6, example: '30.11.2026 14:05' },
    ]],
    ['a step that found its element only inside an iframe is ACTION_IN_FRAME per step', {
      ...none, framed: [{ rule: 0, do: 'dismiss', frame: '#wall', count: 3 }],
    }, [
      { code: 'ACTION_IN_FRAME', reason: 'actions.0', count: 3, example: '#wall' },
    ]],
    ['dropped items summed per field', {
      ...none, dropped: [{ field: 'title', count: 1 }, { field: 'sku', count: 2 }, { field: 'title', count: 4 }],
    }, [
      { code: 'ITEMS_DROPPED', field: 'title', count: 5 },
      { code: 'ITEMS_DROPPED', field: 'sku', count: 2 },
    ]],
    ['skipped URLs per lossy reason', { ...none, skipped: { maxPages: 3, maxItems: 1, duplicate: 2 } }, [
      { code: 'URLS_SKIPPED', reason: 'maxPages', count: 3 },
      { code: 'URLS_SKIPPED', reason: 'maxItems', count: 1 },
    ]],
    ['pagination that stopped with its control usable, per step, selector and reason', {
      ...none, pagination: [{ step: 'loadMore' as const, selector: 'button.more', reason: 'maxClicks' as const, count: 2 }],
    }, [
      { code: 'PAGINATION_UNFINISHED', step: 'loadMore', selector: 'button.more', reason: 'maxClicks', count: 2 },
    ]],
    ['items in a scroll box the job did not scroll', {
      ...none, pagination: [{ step: 'infiniteScroll' as const, selector: '#box', reason: 'containerNotScrolled' as const, count: 1 }],
    }, [
      { code: 'PAGINATION_UNFINISHED', step: 'infiniteScroll', selector: '#box', reason: 'containerNotScrolled', count: 1 },
    ]],
    ['a detail field with several candidates is DETAIL_AMBIGUOUS, naming the field, counted in pages', {
      ...none, ambiguous: [{ field: 'variant', pages: 3, most: 6 }],
    }, [
      { code: 'DETAIL_AMBIGUOUS', field: 'variant', reason: 'detail.fields', count: 3 },
    ]],
    ['pages that failed for good on an expired session are SESSION_EXPIRED, per step, counted in pages', {
      ...none, expired: [{ step: 'navigate', count: 2 }, { step: 'resume', count: 1 }],
    }, [
      { code: 'SESSION_EXPIRED', reason: 'navigate', step: 'navigate', count: 2 },
      { code: 'SESSION_EXPIRED', reason: 'resume', step: 'resume', count: 1 },
    ]],
    ['a text field whose DOM text differs from what is seen is VISIBLE_TEXT_DIFFERS, once per field, counted in pages', {
      ...none, visible: [{ field: 'price', pages: 4, dom: '9$21.00', seen: '$21.00' }],
    }, [
      { code: 'VISIBLE_TEXT_DIFFERS', field: 'price', count: 4, example: '9$21.00' },
    ]],
  ])('%s', (_name, input, expected) => {
    const got = warningsOf(input);
    expect(got.map(({ message: _m, ...rest }) => rest)).toEqual(expected);
    for (const w of got) expect(w.message).toContain(String(w.count));
    for (const w of got.filter((x) => x.code === 'SESSION_EXPIRED')) expect(w.message).toContain(`step ${w.step}`);
    for (const w of got.filter((x) => x.code === 'SESSION_EXPIRED')) expect(w.message).toContain('session.keep');
    for (const w of got.filter((x) => x.code === 'VISIBLE_TEXT_DIFFERS')) expect(w.message).toContain('"source": "visible"');
  });

  const dropped = warningsOf({ ...none, dropped: [{ field: 'title', count: 1 }] });
  it.each([
    [undefined, null],
    [false, null],
    [[], null],
    [['URLS_SKIPPED' as const], null],
    [true, 'RUN_WARNINGS'],
    [['ITEMS_DROPPED' as const], 'RUN_WARNINGS'],
  ])('failOnWarnings %o on an ITEMS_DROPPED run fails it with %s', (failOn, code) => {
    expect(warningFailure(dropped, failOn)?.code ?? null).toBe(code);
  });

  it('a run without warnings never fails on them', () => {
    expect(warningFailure([], true)).toBeNull();
  });
});
