import { describe, expect, it } from 'vitest';
import { ProcessStep, type ProcessStepInput } from '@trawl/schemas';
import { applyStep } from '../src/process.ts';

const ctx = { baseUrl: 'https://shop.example/' };
const run = (input: string, step: ProcessStepInput): unknown => applyStep(input, ProcessStep.parse(step), ctx);
const A = 'a'.repeat(50_000);

// Each would backtrack for hours (or longer) in JavaScript's RegExp on these inputs; RE2JS is linear in the input.
// Expected values follow from the patterns' meaning (leftmost-first, as JavaScript matches).
const CATASTROPHIC: Array<[string, string, number, string | null]> = [
  ['(a+)+$', `${A}!`, 1, null],
  ['(a|aa)+$', `${A}!`, 1, null],
  // No match before the "!"; at the end one empty iteration of (a|a?) satisfies "+".
  ['(a|a?)+$', `${A}!`, 1, ''],
  ['(.*a){20}', `${'a'.repeat(19)}${'b'.repeat(50_000)}`, 0, null],
  // Greedy: the first iteration runs up to the first of the 20 a's, the 19 others take one "a" each.
  ['(.*a){20}', `${'b'.repeat(25_000)}${'a'.repeat(20)}${'b'.repeat(25_000)}`, 1, 'a'],
  // Only the empty match at the very end fits "$".
  ['([a-zA-Z]+)*$', `${A}1`, 0, ''],
  ['(\\w+\\s?)*$', `${'word '.repeat(10_000)}!`, 0, ''],
  ['(x+x+)+y', 'x'.repeat(50_000), 0, null],
  ['(a|a)*b', A, 0, null],
  ['^(\\d+)*$', `${'1'.repeat(50_000)}x`, 0, null],
];

describe('user patterns run in linear time (ADR 0022)', () => {
  it.each(CATASTROPHIC)('regex %s on a long input', (pattern, input, group, expected) => {
    expect(run(input, { op: 'regex', pattern, group })).toBe(expected);
  }, 60_000);

  it('a whole 50,000-character match comes back whole', () => {
    const text = 'word '.repeat(10_000);
    expect(run(text, { op: 'regex', pattern: '(\\w+\\s?)*$', group: 0 })).toBe(text);
  }, 60_000);

  it('replace with catastrophic patterns on long inputs', () => {
    expect(run(A, { op: 'replace', pattern: '(a+)+b', with: '-' })).toBe(A);
    expect(run(`${A}b`, { op: 'replace', pattern: '(a|aa)+b', with: '<$1>' })).toBe('<a>');
  }, 60_000);
});

// The behaviour valid patterns had with RegExp is kept: groups, named groups, replacement syntax, \s and \u.
const KEPT: Array<[string, ProcessStepInput, string | null]> = [
  ['SKU: AB-12', { op: 'regex', pattern: 'SKU: (\\S+)' }, 'AB-12'],
  ['2024-05-17', { op: 'regex', pattern: '(?<y>\\d{4})-(?<m>\\d\\d)', group: 2 }, '05'],
  ['Price: $1,299.00', { op: 'regex', pattern: '\\$([\\d,.]+)' }, '1,299.00'],
  ['ab', { op: 'regex', pattern: '(a|ab)(c|b)?', group: 0 }, 'ab'],
  ['no digits', { op: 'regex', pattern: '(\\d+)?x', group: 1 }, null],
  ['12\u00a0€', { op: 'regex', pattern: '(\\d+)\\s€' }, '12'],
  ['12\u00a0€', { op: 'regex', pattern: '(\\d+)\\u00a0€' }, '12'],
  ['12\u202f€', { op: 'regex', pattern: '(\\d+)[\\s]€' }, '12'],
  ['a\nb', { op: 'regex', pattern: '([^]+)' }, 'a\nb'],
  ['a\nb', { op: 'regex', pattern: '(.+)' }, 'a'],
  ['a1b22', { op: 'replace', pattern: '(\\d+)', with: '<$1>' }, 'a<1>b<22>'],
  ['Jane Doe', { op: 'replace', pattern: '(?<first>\\w+) (?<last>\\w+)', with: '$<last>, $<first>' }, 'Doe, Jane'],
  ['a1', { op: 'replace', pattern: '\\d', with: '[$&|$$|$2]' }, 'a[1|$|$2]'],
  ['abc', { op: 'replace', pattern: 'x*', with: '-' }, '-a-b-c-'],
  ['a \u00a0\tb', { op: 'replace', pattern: '\\s+', with: ' ' }, 'a b'],
  ['a-b', { op: 'replace', pattern: 'x', with: '' }, 'a-b'],
];

describe('valid patterns keep their RegExp behaviour', () => {
  it.each(KEPT)('%j with %j', (input, step, expected) => {
    expect(run(input, step)).toBe(expected);
  });

  it('gives the same answers as RegExp on the table', () => {
    for (const [input, step, expected] of KEPT) {
      const s = ProcessStep.parse(step);
      if (s.op === 'regex') expect(new RegExp(s.pattern).exec(input)?.[s.group] ?? null).toBe(expected);
      if (s.op === 'replace') expect(input.replace(new RegExp(s.pattern, 'g'), s.with)).toBe(expected);
    }
  });
});
