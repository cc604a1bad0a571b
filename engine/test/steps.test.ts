import { describe, expect, it } from 'vitest';
import { JobSpec, ProcessStep, type ProcessStepInput } from '@trawl/schemas';
import { applyStep, parseCurrency, parseDate, parseNumber, type Value } from '../src/process.ts';

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0); // 2026-11-26T12:00:00Z
const ctx = { baseUrl: 'https://shop.example/list/page-2.html', now: NOW };
const run = (v: Value, s: ProcessStepInput): Value => applyStep(v, ProcessStep.parse(s), ctx);

describe('number and currency', () => {
  it.each([
    ['₩12,900', 12900], ['1.234,56 €', 1234.56], ['$1,299.00', 1299], ['1,234,567', 1234567], ['12,5', 12.5],
    ['CHF 1\'250.50', 1250.5], ['1 234,50 zł', 1234.5], ['€ -3,20', -3.2], ['(12.00)', 12], ['0.5', 0.5],
  ])('parses %s', (input, expected) => expect(parseNumber(input)).toBe(expected));

  it('honours an explicit decimal mark when the locale is known', () => {
    expect(parseNumber('1.234', ',')).toBe(1234);
    expect(parseNumber('1,234', ',')).toBe(1.234);
    expect(parseNumber('1,234', '.')).toBe(1234);
    expect(run('1.250', { op: 'number', decimal: ',' })).toBe(1250);
  });

  it('gives null for text without a number', () => {
    expect(parseNumber('price on request')).toBeNull();
    expect(run('', { op: 'number' })).toBeNull();
    expect(run(null, { op: 'number' })).toBeNull();
  });

  it('splits amount and currency', () => {
    expect(parseCurrency('₩12,900')).toEqual({ amount: 12900, currency: 'KRW' });
    expect(parseCurrency('1.234,56 €')).toEqual({ amount: 1234.56, currency: 'EUR' });
    expect(parseCurrency('$1,299.00')).toEqual({ amount: 1299, currency: 'USD' });
    expect(parseCurrency('USD 5')).toEqual({ amount: 5, currency: 'USD' });
    expect(parseCurrency('C$ 10')).toEqual({ amount: 10, currency: 'CAD' });
    expect(parseCurrency('42')).toEqual({ amount: 42, currency: null });
    expect(run('free', { op: 'currency' })).toBeNull();
  });
});

describe('dates to ISO 8601', () => {
  it('reads explicit formats', () => {
    expect(parseDate('05.03.2024', ['dd.MM.yyyy'], NOW)).toBe('2024-03-05');
    expect(parseDate('3/5/24 2:30 PM', ['M/d/yy h:mm a'], NOW)).toBe('2024-03-05T14:30:00Z');
    expect(parseDate('March 5th, 2024', ['MMMM d, yyyy'], NOW)).toBe('2024-03-05');
    expect(parseDate('5 Mar. 2024', ['d MMM yyyy'], NOW)).toBe('2024-03-05');
  });

  it('reads unambiguous forms without formats', () => {
    expect(parseDate('2024-03-05', [], NOW)).toBe('2024-03-05');
    expect(parseDate('Mar 5, 2024', [], NOW)).toBe('2024-03-05');
    expect(parseDate('2024-03-05T10:00:00+02:00', [], NOW)).toBe('2024-03-05T08:00:00.000Z');
  });

  it('reads relative forms from the fetch time', () => {
    expect(parseDate('3 days ago', [], NOW)).toBe('2026-11-23');
    expect(parseDate('an hour ago', [], NOW)).toBe('2026-11-26T11:00:00.000Z');
    expect(parseDate('yesterday', [], NOW)).toBe('2026-11-25');
    expect(parseDate('in 2 weeks', [], NOW)).toBe('2026-12-10');
    expect(parseDate('2 months ago', [], NOW)).toBe('2026-09-26');
    expect(parseDate('just now', [], NOW, true)).toBe('2026-11-26');
  });

  it('rejects impossible and unreadable dates', () => {
    expect(parseDate('31.02.2024', ['dd.MM.yyyy'], NOW)).toBeNull();
    expect(parseDate('03/05/2024', [], NOW)).toBeNull(); // ambiguous without a format
    expect(parseDate('soon', [], NOW)).toBeNull();
    expect(parseDate('3 days', [], NOW)).toBeNull();
    expect(run('25:99 1.1.2024', { op: 'date', formats: ['HH:mm d.M.yyyy'] })).toBeNull();
  });
});

describe('text steps', () => {
  it('trims whitespace of every kind', () => expect(run('\u00a0 a\u202fb \u200b\n', { op: 'trim' })).toBe('a b'));

  it('applies regex groups, replace, case, default, split, join and json', () => {
    expect(run('SKU: AB-12 (x)', { op: 'regex', pattern: 'SKU: (\\S+) \\((\\w)\\)', group: 2 })).toBe('x');
    expect(run('SKU: AB-12', { op: 'regex', pattern: 'SKU: \\S+', group: 0 })).toBe('SKU: AB-12');
    expect(run('a-b', { op: 'replace', pattern: '-', with: '' })).toBe('ab');
    expect(run('Ab', { op: 'uppercase' })).toBe('AB');
    expect(run('', { op: 'default', value: 0 })).toBe(0);
    expect(run('x', { op: 'default', value: 0 })).toBe('x');
    expect(run('red, blue,, green', { op: 'split', separator: ',' })).toEqual(['red', 'blue', 'green']);
    expect(run(['a', null, 'b'], { op: 'join', separator: '|' })).toBe('a|b');
    expect(run([], { op: 'join' })).toBeNull();
    expect(run('{"a":[1,2]}', { op: 'json' })).toEqual({ a: [1, 2] });
    expect(run('{oops', { op: 'json' })).toBeNull();
    expect(run('/p/1', { op: 'absoluteUrl' })).toBe('https://shop.example/p/1');
    expect(run('', { op: 'absoluteUrl' })).toBeNull();
    expect(run('http://[bad', { op: 'absoluteUrl' })).toBeNull();
  });
});

describe('validation of steps', () => {
  const spec = (process: unknown[]) => ({ startUrls: ['https://a.example/'], itemSelector: 'li', fields: { p: { selector: '.p', process } } });
  it.each([
    [[{ op: 'sparkle' }], 'fields.p.process.0.op'],
    [[{ op: 'regex', pattern: '(' }], 'fields.p.process.0.pattern'],
    [[{ op: 'number', decimal: ';' }], 'fields.p.process.0.decimal'],
    [[{ op: 'trim' }, { op: 'date', formats: ['hello'] }], 'fields.p.process.1.formats.0'],
    [[{ op: 'split' }], 'fields.p.process.0.separator'],
    [[{ op: 'trim', extra: 1 }], 'fields.p.process.0'],
  ])('rejects %j at its path', (process, path) => {
    const r = JobSpec.safeParse(spec(process));
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});
