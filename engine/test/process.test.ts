import { describe, expect, it } from 'vitest';
import { FieldSpec } from '@trawl/schemas';
import { applyStep, parseNumber, processField } from '../src/process.ts';
import { buildItems } from '../src/extract.ts';
import { dedupeKeyOf } from '../src/keys.ts';

const ctx = { baseUrl: 'https://shop.example/list/page-2.html' };

describe('post-processing', () => {
  it('parses prices in the common locales', () => {
    expect(parseNumber('$1,299.00')).toBe(1299);
    expect(parseNumber('1.234,56 €')).toBe(1234.56);
    expect(parseNumber('₩12,900')).toBe(12900);
    expect(parseNumber('£12.99')).toBe(12.99);
    expect(parseNumber('-3.5%')).toBe(-3.5);
    expect(parseNumber('1 234 567')).toBe(1234567);
    expect(parseNumber('no price')).toBeNull();
  });

  it('trims and collapses whitespace, including non-breaking spaces', () => {
    expect(applyStep('  a \u00a0 b\n c ', { op: 'trim' }, ctx)).toBe('a b c');
  });

  it('resolves relative URLs against the page and applies regex, replace, case and default', () => {
    expect(applyStep('../p/1?x=1', { op: 'absoluteUrl' }, ctx)).toBe('https://shop.example/p/1?x=1');
    expect(applyStep('SKU: AB-12', { op: 'regex', pattern: 'SKU: (\\S+)', group: 1 }, ctx)).toBe('AB-12');
    expect(applyStep('nothing', { op: 'regex', pattern: '(\\d+)', group: 1 }, ctx)).toBeNull();
    expect(applyStep('a-b-c', { op: 'replace', pattern: '-', with: '/' }, ctx)).toBe('a/b/c');
    expect(applyStep('Ab', { op: 'lowercase' }, ctx)).toBe('ab');
    expect(applyStep(null, { op: 'default', value: 'n/a' }, ctx)).toBe('n/a');
    expect(applyStep(['1', '2'], { op: 'number', decimal: 'auto' }, ctx)).toEqual([1, 2]);
  });

  it('keeps a constant\'s type through the default trim and the case steps', () => {
    for (const value of [3, 0, true, false, null, 'zoo']) {
      expect(processField(value, FieldSpec.parse({ const: value }), ctx)).toBe(value);
      expect(processField(value, { process: [{ op: 'lowercase' }, { op: 'uppercase' }] }, ctx)).toBe(typeof value === 'string' ? 'ZOO' : value);
    }
  });

  it('applies a field\'s steps in order', () => {
    const field = FieldSpec.parse({ selector: '.p', process: [{ op: 'trim' }, { op: 'regex', pattern: '([\\d.,]+)', group: 1 }, { op: 'number' }] });
    expect(processField('  Now: 1,050.25 USD ', field, ctx)).toBe(1050.25);
  });

  it('drops items missing a required field and reports them', () => {
    const spec = {
      itemSelector: 'li',
      fields: { name: FieldSpec.parse({ required: true }), price: FieldSpec.parse({ process: [{ op: 'number' }] }) },
    } as const;
    const out = buildItems({ items: [{ name: ' A ', price: '$2' }, { name: '  ', price: '$3' }], matched: 3, nextHref: null, baseUrl: ctx.baseUrl, pageUrl: ctx.baseUrl },
      spec);
    expect(out.items).toEqual([{ name: 'A', price: 2 }]);
    expect(out.incomplete).toEqual([{ index: 1, missing: ['name'] }]);
    expect(out.matched).toBe(3);
  });

  it('builds dedupe keys from the key fields, distinguishing types', () => {
    expect(dedupeKeyOf({ a: 1, b: 'x' }, ['a', 'b'])).toBe('1|"x"');
    expect(dedupeKeyOf({ a: '1' }, ['a'])).not.toBe(dedupeKeyOf({ a: 1 }, ['a']));
    expect(dedupeKeyOf({ a: 1 }, undefined)).toBeNull();
  });
});

describe('post-processing that empties a field is reported, never silent (issue #10 §7)', () => {
  it('a regex that matches nothing, a value that is no URL and text that is no JSON: null, with the step, reason and raw text', () => {
    const seen: unknown[] = [];
    const c = { ...ctx, onUnparsed: (p: unknown) => seen.push(p) };
    expect(applyStep('Ships in 3 days', { op: 'regex', pattern: 'SKU-(\\d+)', group: 1 }, c)).toBe(null);
    expect(applyStep('SKU-42 in stock', { op: 'regex', pattern: 'SKU-(\\d+)', group: 1 }, c)).toBe('42');
    expect(applyStep('http://[::1', { op: 'absoluteUrl' }, c)).toBe(null);
    expect(applyStep('{"a": 1', { op: 'json' }, c)).toBe(null);
    // Empty text is a missing value, not a failed step: no report.
    expect(applyStep('  ', { op: 'regex', pattern: 'x', group: 0 }, c)).toBe(null);
    expect(seen).toEqual([
      { step: 'regex', reason: 'noMatch', raw: 'Ships in 3 days' },
      { step: 'absoluteUrl', reason: 'unreadable', raw: 'http://[::1' },
      { step: 'json', reason: 'unreadable', raw: '{"a": 1' },
    ]);
  });
});
