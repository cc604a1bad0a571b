import { describe, expect, it } from 'vitest';
import type { RunEventInput } from '@trawl/schemas';
import { MAX_STEP_EVENTS, StepLog } from '../src/rules/step-log.ts';

/** The step events' volume is bounded per task, and how pagination ended is always said, with what was left out. */
describe('step log', () => {
  const sink = () => {
    const events: Array<Pick<RunEventInput, 'type' | 'message' | 'data' | 'level'>> = [];
    return { events, log: new StepLog({ emit: (type, message, data, level) => events.push({ type, message, data, level }) }) };
  };

  it('sends the first MAX_STEP_EVENTS steps, counts the rest, and always sends the end with that count', () => {
    const { events, log } = sink();
    const steps = MAX_STEP_EVENTS + 25;
    for (let i = 1; i <= steps; i++) log.step(`scroll ${i}`, { scrolls: i });
    log.end({ step: 'infiniteScroll', selector: '#grid', reason: 'done', controlVisible: false, steps, items: 500 });
    expect(events).toHaveLength(MAX_STEP_EVENTS + 1);
    expect(events.every((e) => e.type === 'page.step')).toBe(true);
    expect(events.at(-2)?.data).toEqual({ scrolls: MAX_STEP_EVENTS });
    expect(events.at(-1)).toMatchObject({ level: 'info', data: { end: true, skippedEvents: 25, items: 500, reason: 'done' } });
    expect(events.at(-1)?.message).toContain(`25 step event(s) not logged (cap ${MAX_STEP_EVENTS} per task)`);
    expect(log.unfinished()).toBeUndefined();
  });

  it.each([
    ['a limit with the control still there', 'maxClicks', true, { step: 'loadMore', selector: 'button.more', reason: 'maxClicks' }],
    ['a limit after the control went', 'maxClicks', false, undefined],
    ['the end of the list', 'done', false, undefined],
  ] as const)('%s: unfinished() is %o', (_name, reason, controlVisible, expected) => {
    const { events, log } = sink();
    log.end({ step: 'loadMore', selector: 'button.more', reason, controlVisible, steps: 2, items: 15 });
    expect(log.unfinished()).toEqual(expected);
    expect(events[0]?.level).toBe(controlVisible ? 'warn' : 'info');
  });
});
