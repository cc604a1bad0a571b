import { describe, expect, it } from 'vitest';
import { FRAME_ROWS } from '../../fixtures/src/frame-pages.ts';
import { buildItems, durationSeconds, readDate, readDuration, readNumber, unparsedWarning } from '../src/index.ts';
import { JobSpec } from '@trawl/schemas';

const NOW = Date.UTC(2026, 10, 30, 12, 0);

describe('durations', () => {
  it('reads the fixture runtimes in every writing', () => {
    for (const r of FRAME_ROWS) expect(readDuration(r.runtime[0], 'minutes')).toBe(r.runtime[1]);
  });

  it('reads more forms, in minutes or seconds, and refuses what is not a duration', () => {
    const cases: Array<[string, number | null]> = [
      ['1 h 50 min', 6600], ['1시간 50분', 6600], ['1時間50分', 6600], ['1小时50分钟', 6600], ['PT1H50M', 6600], ['1:50', 6600],
      ['1:50:30', 6630], ['2 Std. 5 Min.', 7500], ['1 heure et 5 minutes', 3900], ['1 hora y 5 minutos', 3900], ['1 uur 5 min', 3900],
      ['90 s', 90], ['P1DT2H', 93_600], ['1.5 h', 5400], ['45분 30초', 2730],
      ['1 50', null], ['2 laps', null], ['PT', null], ['', null], ['1h50', null], ['soon', null],
    ];
    for (const [text, seconds] of cases) expect([text, durationSeconds(text)]).toEqual([text, seconds]);
    expect(readDuration('1 h 50 min', 'seconds')).toBe(6600);
    expect(readDuration('1 min 30 s', 'minutes')).toBe(1.5);
  });
});

describe('amounts with scale words', () => {
  it('reads the fixture amounts with units on', () => {
    for (const r of FRAME_ROWS) expect([r.raised[0], readNumber(r.raised[0], { units: true }).value]).toEqual([r.raised[0], r.raised[1]]);
    expect(readNumber('4,2 Mio. €', { units: true }).value).toBe(4_200_000);
    expect(readNumber('4,2 Mio. €', { units: true, locale: 'de' }).value).toBe(4_200_000);
  });

  it('"£2.47m" without units is refused (scale), not 2.47; a length "2.5m" stays 2.5', () => {
    expect(readNumber('£2.47m')).toEqual({ value: null, problem: 'scale' });
    expect(readNumber('2.5m').value).toBe(2.5);
  });
});

describe('time zones', () => {
  it('places the fixture\'s Berlin wall times in the zone, DST included', () => {
    for (const r of FRAME_ROWS) expect(readDate(r.listed[0], { formats: ['dd.MM.yyyy HH:mm'], timeZone: 'Europe/Berlin' }, NOW).value).toBe(r.listed[1]);
    expect(readDate('2026-11-30 14:05', { timeZone: 'Asia/Seoul' }, NOW)).toEqual({ value: '2026-11-30T05:05:00Z' });
    expect(readDate('2026. 11. 30. 오후 2:05', { locale: 'ko', timeZone: 'Asia/Seoul' }, NOW)).toEqual({ value: '2026-11-30T05:05:00Z' });
    // A skipped hour (Berlin, 29 March 2026, 02:00-03:00) lands after the change.
    expect(readDate('29.03.2026 02:30', { formats: ['dd.MM.yyyy HH:mm'], timeZone: 'Europe/Berlin' }, NOW).value).toBe('2026-03-29T01:30:00Z');
  });

  it('a time without zone is UTC and flagged; a date alone or an explicit offset is not', () => {
    expect(readDate('2026-11-30 14:05', {}, NOW)).toEqual({ value: '2026-11-30T14:05:00Z', noZone: true });
    expect(readDate('2026-11-30', {}, NOW)).toEqual({ value: '2026-11-30' });
    expect(readDate('2026-11-30T14:05:00+09:00', {}, NOW)).toEqual({ value: '2026-11-30T05:05:00.000Z' });
    expect(readDate('2026-11-30 14:05', { dateOnly: true, timeZone: 'Pacific/Kiritimati' }, NOW)).toEqual({ value: '2026-11-30' });
  });

  it('the run is warned once per field (one row with a count), with what to set', () => {
    const spec = JobSpec.parse({ startUrls: ['https://a.example/'], itemSelector: 'li', fields: { listed: { selector: '.l', process: [{ op: 'date', formats: ['dd.MM.yyyy HH:mm'] }] } } });
    const raw = { items: FRAME_ROWS.map((r) => ({ listed: r.listed[0] })), matched: 4, nextHref: null, baseUrl: 'https://a.example/', pageUrl: 'https://a.example/' };
    const out = buildItems(raw, spec, { fetchedAt: NOW });
    expect(out.items[0]).toEqual({ listed: '2026-11-30T14:05:00Z' });
    expect(out.unparsed).toEqual([{ field: 'listed', step: 'date', reason: 'noZone', count: 4, example: '30.11.2026 14:05' }]);
    expect(unparsedWarning(out.unparsed[0]!)).toBe('listed: 4 values had a time without a zone and were read as UTC, e.g. "30.11.2026 14:05"; set "timeZone" on the job (or the step) to the zone the site writes times in');
    expect(buildItems(raw, spec, { fetchedAt: NOW, timeZone: 'Europe/Berlin' }).unparsed).toEqual([]);
  });

  it('relative days count in the zone: "yesterday" at 23:30 UTC is already the next day in Seoul', () => {
    const late = Date.UTC(2026, 10, 30, 23, 30);
    expect(readDate('yesterday', {}, late).value).toBe('2026-11-29');
    expect(readDate('yesterday', { timeZone: 'Asia/Seoul' }, late).value).toBe('2026-11-30');
  });
});

describe('eras and languages', () => {
  it('Japanese eras and Minguo years', () => {
    const cases: Array<[string, string | undefined, string]> = [
      ['令和5年4月1日', 'ja', '2023-04-01'], ['令和元年5月1日', 'ja', '2019-05-01'], ['平成31年4月30日', 'ja', '2019-04-30'],
      ['昭和64年1月7日', 'ja', '1989-01-07'], ['平成元年1月8日', undefined, '1989-01-08'], ['民國112年3月5日', 'zh-TW', '2023-03-05'],
    ];
    for (const [text, locale, iso] of cases) expect([text, readDate(text, { locale }, NOW).value]).toEqual([text, iso]);
  });

  it('month names in the languages of issue #12', () => {
    const cases: Array<[string, string]> = [
      ['ko', '2026년 11월 30일'], ['ja', '2026年11月30日'], ['zh', '2026年11月30日'], ['de', '30. November 2026'], ['fr', '30 novembre 2026'],
      ['es', '30 de noviembre de 2026'], ['it', '30 novembre 2026'], ['pt', '30 de novembro de 2026'], ['nl', '30 november 2026'],
      ['de', '30. Nov. 2026'], ['fr', '30 nov. 2026'], ['es', '30 nov 2026'], ['nl', '30 nov 2026'],
    ];
    for (const [locale, text] of cases) expect([locale, text, readDate(text, { locale }, NOW).value]).toEqual([locale, text, '2026-11-30']);
  });

  it('relative dates in each language, from the fetch time or from a date the page shows', () => {
    const cases: Array<[string, string]> = [
      ['en', '3 days ago'], ['ko', '3일 전'], ['ja', '3日前'], ['zh', '3天前'], ['de', 'vor 3 Tagen'], ['fr', 'il y a 3 jours'],
      ['es', 'hace 3 días'], ['it', '3 giorni fa'], ['pt', 'há 3 dias'], ['nl', '3 dagen geleden'],
    ];
    for (const [locale, text] of cases) expect([locale, text, readDate(text, { locale }, NOW).value]).toEqual([locale, text, '2026-11-27']);
    expect(readDate('어제', { locale: 'ko' }, NOW).value).toBe('2026-11-29');
    expect(readDate('gestern', { locale: 'de' }, NOW).value).toBe('2026-11-29');
    expect(readDate('in 2 Stunden', { locale: 'de' }, NOW).value).toBe('2026-11-30T14:00:00.000Z');
    expect(readDate('vor 3 Tagen', {}, NOW)).toEqual({ value: null, problem: 'unreadable' });
  });
});
