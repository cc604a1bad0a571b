import { describe, expect, it } from 'vitest';
import { FieldSpec } from '@trawl/schemas';
import { buildItems, fillEmpty, pickByLabel, type CollectOutput } from '../src/index.ts';

/** Pairs as the page gives them: labels lowercased, whitespace collapsed, trailing colon dropped (collect.ts). */
const pairs = [['job location', 'Graz'], ['employment type', 'Fixed term'], ['salary range', '€30k'], ['salary', null], ['salary', '€41,500']];

describe('fields by label (ADR 0033)', () => {
  it('exact is the whole label, case and spacing aside; a label whose value is missing does not stop a later one', () => {
    expect(pickByLabel(pairs, { label: '  SALARY : ', all: false })).toBe('€41,500');
    expect(pickByLabel(pairs, { label: 'location', all: false })).toBeNull();
  });

  it('contains and regex (RE2, case-insensitive) pick among the labels; all gives every match', () => {
    expect(pickByLabel(pairs, { label: 'Location', labelMatch: 'contains', all: false })).toBe('Graz');
    expect(pickByLabel(pairs, { label: '^(contract|EMPLOYMENT) type$', labelMatch: 'regex', all: false })).toBe('Fixed term');
    expect(pickByLabel(pairs, { label: '^salary', labelMatch: 'regex', all: true })).toEqual(['€30k', '€41,500']);
    expect(pickByLabel(pairs, { label: 'bonus', labelMatch: 'contains', all: true })).toEqual([]);
  });

  it('a label field runs its steps on the picked value and is required like any field', () => {
    const spec = { fields: { id: FieldSpec.parse({}), pay: FieldSpec.parse({ label: 'Salary', process: [{ op: 'number' }], required: true }) } };
    const raw: CollectOutput = { items: [{ id: 'a', pay: [['location', 'Oslo'], ['salary', '41,500.00']] }, { id: 'b', pay: [['location', 'Oslo']] }], matched: 2, nextHref: null, baseUrl: 'http://x/', pageUrl: 'http://x/' };
    const out = buildItems(raw, spec, { fetchedAt: 0 });
    expect(out.items).toEqual([{ id: 'a', pay: 41500 }]);
    expect(out.incomplete).toEqual([{ index: 1, missing: ['pay'] }]);
  });

  it('validation refuses a label pattern RE2 cannot run, labelMatch without a label, and a label with a const', () => {
    const paths = (v: unknown) => FieldSpec.safeParse(v).error?.issues.map((i) => [i.path.join('.'), i.message.slice(0, 20)]);
    expect(paths({ label: '(?=a)b', labelMatch: 'regex' })).toEqual([['label', 'lookahead (?=…) and ']]);
    expect(paths({ labelMatch: 'exact' })).toEqual([['labelMatch', 'labelMatch needs a l']]);
    expect(paths({ label: 'a', const: 1 })).toEqual([['label', 'a label field reads ']]);
  });
});

describe('fillEmpty: one record from two readings', () => {
  it('keeps the first values and fills only its empty ones (null, "", [])', () => {
    expect(fillEmpty({ a: 1, b: null, c: '', d: [], e: 'x' }, { a: 2, b: 3, c: 'y', d: ['z'], e: null, f: 0 })).toEqual({ a: 1, b: 3, c: 'y', d: ['z'], e: 'x', f: 0 });
  });
});
