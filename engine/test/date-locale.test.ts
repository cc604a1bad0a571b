import { describe, expect, it } from 'vitest';
import { readDate } from '../src/dates.ts';

const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);
const read = (text: string, locale?: string, formats: string[] = []) => readDate(text, { locale, formats }, NOW);

describe('dates written the way a locale writes them', () => {
  it.each([
    ['2026년 11월 30일', undefined, '2026-11-30'],
    ['2026年11月30日', undefined, '2026-11-30'],
    ['2026年11月30日星期一', 'zh', '2026-11-30'],
    ['30. November 2026', 'de', '2026-11-30'],
    ['Montag, 30. November 2026 um 14:05', 'de', '2026-11-30T14:05:00Z'],
    ['30 de noviembre de 2026', 'es', '2026-11-30'],
    ['30 listopada 2026', 'pl', '2026-11-30'],
    ['30 нояб. 2026 г., 14:05', 'ru', '2026-11-30T14:05:00Z'],
    ['30.11.2026 klo 14.05', 'fi', '2026-11-30T14:05:00Z'],
    ['2026. 11. 30. 오후 2:05', 'ko', '2026-11-30T14:05:00Z'],
    ['٣٠‏/١١‏/٢٠٢٦، ٢:٠٥ م', 'ar-EG', '2026-11-30T14:05:00Z'],
    ['11/30/26', 'en-US', '2026-11-30'],
    ['03/04/2026', 'en-US', '2026-03-04'],
    ['03/04/2026', 'en-GB', '2026-04-03'],
    ['30/11/2026', undefined, '2026-11-30'], // 30 cannot be a month
    ['Posted on March 5, 2024', undefined, '2024-03-05'],
    ['Nov 30, 2026, 2:05 PM', undefined, '2026-11-30T14:05:00Z'],
    ['30 novembre 2026', 'fr', '2026-11-30'],
    ['Dydd Mawrth, 1 Rhagfyr 2026', 'cy', '2026-12-01'], // Tuesday is "dydd Mawrth", March "Mawrth"
    ['30 nov. 2026', 'fr', '2026-11-30'],
  ])('%s (%s) is %s', (text, locale, expected) => {
    // A time read without a zone is flagged (the run warns DATE_WITHOUT_ZONE, ADR 0038); a date alone is not.
    expect(read(text, locale)).toEqual(expected.length > 10 ? { value: expected, noZone: true } : { value: expected });
  });

  it.each([
    ['03/04/2026', undefined, 'ambiguous'], // 3 April or March 4
    ['03/04/26', undefined, 'ambiguous'],
    ['30 พ.ย. 2569', 'th', 'unreadable'], // a Buddhist-era year is not the Gregorian 2569
    ['30/11/69', 'th', 'unreadable'], // nor is a two-digit one in that calendar
    ['31.02.2024', 'de', 'unreadable'],
    ['soon', undefined, 'unreadable'],
    ['3 comments in May 2024', undefined, 'unreadable'], // no day beside the month
    ['30 Novembre 2026', 'en', 'unreadable'], // not an English month
  ])('%s (%s) is null: %s', (text, locale, problem) => expect(read(text, locale)).toEqual({ value: null, problem }));

  it('reads a locale month name in an explicit format', () => {
    expect(read('30 listopada 2026', 'pl', ['d MMMM yyyy'])).toEqual({ value: '2026-11-30' });
    expect(read('30.11.2026', undefined, ['dd.MM.yyyy'])).toEqual({ value: '2026-11-30' });
    expect(read('11/30/2026', undefined, ['dd.MM.yyyy'])).toEqual({ value: null, problem: 'unreadable' });
  });
});
