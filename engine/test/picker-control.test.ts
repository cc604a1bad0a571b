import { describe, expect, it } from 'vitest';
import { controlSteps, controlVerdict } from '../src/picker/index.ts';

// The step data the runner's loops log (browser-fleet/src/rules/paginate.ts), as a preview answers them.
const click = (clicks: number, items: number) => ({ data: { step: 'loadMore', action: 'click', selector: 'button.more', clicks, items } });
const after = (clicks: number, items: number) => ({ data: { step: 'loadMore', clicks, items } });
const end = (steps: number, items: number) => ({ data: { step: 'loadMore', selector: 'button.more', reason: 'done', steps, items, end: true } });

describe('picker control test (ADR 0053)', () => {
  it('counts what each load-more press added from the items before and after it', () => {
    const steps = [{ data: { step: 'nextButton', page: 1, items: 4 } }, click(1, 4), after(1, 8), click(2, 8), after(2, 10), after(3, 99), end(2, 10)];
    expect(controlSteps('loadMore', steps)).toEqual([{ label: '1', added: 4 }, { label: '2', added: 2 }]);
    expect(controlSteps('loadMore', [{}, { data: { step: 'loadMore', clicks: 'x', items: 3 } }])).toEqual([]);
  });

  it('counts what each tab added from the items so far', () => {
    const steps = [
      { data: { step: 'panels', panel: 'Lamps', items: 3 } }, { data: { step: 'panels', panel: 'Rugs', items: 5 } },
      { data: { step: 'panels', panel: 'Rugs again', items: 5 } }, { data: { step: 'loadMore', clicks: 1, items: 9 } },
    ];
    expect(controlSteps('panels', steps)).toEqual([{ label: 'Lamps', added: 3 }, { label: 'Rugs', added: 2 }, { label: 'Rugs again', added: 0 }]);
  });

  it('flags a control that adds items on the page shown only', () => {
    const some = [{ label: '1', added: 2 }];
    const none = [{ label: '1', added: 0 }];
    expect(controlVerdict(some, some)).toBe('everywhere');
    expect(controlVerdict(some, none)).toBe('shownOnly');
    expect(controlVerdict(some, [])).toBe('shownOnly');
    expect(controlVerdict(none, some)).toBe('sampleOnly');
    expect(controlVerdict(none, [])).toBe('nowhere');
    expect(controlVerdict(some, null)).toBe('noSample');
    expect(controlVerdict([], null)).toBe('nowhere');
  });
});
