import { describe, expect, it } from 'vitest';
import { JobSpec, compileExpression, type JobSpecInput } from '@trawl/schemas';
import { FRAME_ROWS } from '../../fixtures/src/frame-pages.ts';
import { FRAME_FIELDS } from '../../fixtures/src/jobs.ts';
import { buildItems, usesPattern, type CollectOutput } from '../src/index.ts';

const base = { startUrls: ['https://shop.example/'], itemSelector: 'li' } satisfies Partial<JobSpecInput>;
const issues = (fields: JobSpecInput['fields']) => {
  const r = JobSpec.safeParse({ ...base, fields });
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

/** The collector's raw strings for the frame fixture's rows, as the page writes them. */
const raw = (rows = FRAME_ROWS): CollectOutput => ({
  items: rows.map((r) => ({ sku: r.sku, name: r.name, price: r.price[0], qty: String(r.qty), listed: r.listed[0], runtime: r.runtime[0],
    raised: r.raised[0], updated: r.updated[0] })),
  matched: rows.length, nextHref: null, baseUrl: 'https://shop.example/', pageUrl: 'https://shop.example/',
});
const fields = JobSpec.parse({ ...base, fields: FRAME_FIELDS }).fields;

describe('computed fields (CEL)', () => {
  it('reads the fixture rows: sums from other fields, a zoned time, a duration, scale words, a relative date from a field', () => {
    const out = buildItems(raw(), { fields }, { fetchedAt: Date.UTC(2026, 11, 31), timeZone: 'Europe/Berlin' });
    expect(out.unparsed).toEqual([]);
    expect(out.items).toEqual(FRAME_ROWS.map((r) => ({
      sku: r.sku, name: r.name, price: r.price[1], qty: r.qty, total: r.price[1] * r.qty, listed: r.listed[1], runtime: r.runtime[1],
      hours: r.runtime[1] / 60, raised: r.raised[1], updated: r.updated[1],
    })));
  });
});

/** The computed field `x` of one item whose other fields are the given constants. */
const run = (e: string, item: Record<string, unknown>) => {
  const c = compileExpression(e);
  if (!c.ok) throw new Error(c.problem);
  const consts = Object.fromEntries(Object.keys(item).map((k) => [k, { const: item[k] as number, process: [] }]));
  return buildItems({ ...raw([]), items: [{}] }, { fields: JobSpec.parse({ ...base, fields: { ...consts, x: { compute: e } } }).fields }).items[0]?.x;
};

describe('expressions', () => {
  it('mixes page numbers (doubles) and literals (ints), differences, conditions and conversions', () => {
    expect(run('a - b', { a: 19.99, b: 4.99 })).toBe(19.99 - 4.99);
    expect(run('a * 2', { a: 1.5 })).toBe(3);
    expect(run('2 * a + 1', { a: 1.5 })).toBe(4);
    expect(run('a > 100.0 ? "big" : "small"', { a: 110 })).toBe('big');
    expect(run('int(a / 60)', { a: 110 })).toBe(1);
    expect(run('7 / 2 + a', { a: 0 })).toBe(3.5);
  });

  it('a failing expression on values it has is null and reported; on a null field it is null quietly', () => {
    const spec = JobSpec.parse({ ...base, fields: { n: { selector: '.n' }, x: { compute: 'n * 2' } } });
    const out = buildItems({ ...raw([]), items: [{ n: 'text' }, { n: null }] }, spec);
    expect(out.items).toEqual([{ n: 'text', x: null }, { n: null, x: null }]);
    expect(out.unparsed).toEqual([{ field: 'x', step: 'compute', reason: 'unreadable', count: 1, example: 'n * 2: no such overload: dyn<string> * double' }]);
  });

  it('is validated on save with the path of each problem', () => {
    expect(issues({ a: { selector: '.a' }, b: { compute: 'a +' } })).toEqual(['fields.b.compute: not a valid expression: Unexpected token: EOF']);
    expect(issues({ a: { selector: '.a' }, b: { compute: 'a + c' } })).toEqual(['fields.b.compute: the expression "c" is not a field']);
    expect(issues({ b: { compute: 'a * 2' }, a: { selector: '.a' } })).toEqual(['fields.b.compute: the expression refers to "a", defined after it: move "a" above "b"']);
    expect(issues({ b: { compute: 'b + 1' } })).toEqual(['fields.b.compute: the expression refers to itself']);
    expect(issues({ a: { selector: '.a' }, b: { compute: 'a', selector: '.b' } })).toEqual(['fields.b.selector: a const, context or compute field reads no element']);
    expect(issues({ a: { selector: '.a' }, b: { selector: '.b', process: [{ op: 'date', from: 'c' }] } })).toEqual(['fields.b.process.0.from: from "c" is not a field']);
    expect(issues({ v: { selector: '.v', fields: { a: { selector: '.a' }, t: { compute: 'a * 2' } } } })).toEqual([]);
  });

  it('gives no way out of the sandbox: no prototype, constructor or method of the JavaScript values', () => {
    const spec = JobSpec.parse({ ...base, fields: { n: { selector: '.n', fields: { x: { selector: '.x' } } },
      a: { compute: 'n.constructor' }, b: { compute: 'n["__proto__"]' }, c: { compute: 'n.x.toString' }, d: { compute: 'has(n.constructor)' } } });
    const out = buildItems({ ...raw([]), items: [{ n: { x: 'v' } }] }, spec);
    expect(out.items).toEqual([{ n: { x: 'v' }, a: null, b: null, c: null, d: false }]);
    expect(out.unparsed.map((u) => u.example)).toEqual(['n.constructor: No such key: constructor', 'n["__proto__"]: No such key: __proto__', 'n.x.toString: No such key: toString']);
  });

  it('an expression that walks lists runs where patterns do, in the fleet\'s budgeted worker; plain arithmetic inline', () => {
    expect(usesPattern({ process: [], compute: 'l.map(x, x + "!")' })).toBe(true);
    expect(usesPattern({ process: [], fields: { n: { source: 'text', all: false, required: false, process: [], compute: 'l.exists(x, x == "a")' } } })).toBe(true);
    expect(usesPattern({ process: [], compute: 'price * qty' })).toBe(false);
  });

  it('refuses what could cost without bound: matches() (a backtracking regex), long expressions, deep nesting', () => {
    expect(issues({ a: { selector: '.a' }, b: { compute: 'a.matches("(a+)+$")' } })).toEqual(['fields.b.compute: matches() is not allowed in expressions; use a regex step on the field instead']);
    expect(issues({ a: { selector: '.a' }, b: { compute: `a${' + a'.repeat(200)}` } })).toEqual(['fields.b.compute: an expression has at most 500 characters']);
    const deep = compileExpression(`${'('.repeat(40)}1${')'.repeat(40)}`);
    expect(deep.ok).toBe(false);
    expect(issues({ l: { selector: '.l', all: true }, b: { compute: 'l.map(x, l.map(y, l.map(z, 1)))' } }))
      .toEqual(['fields.b.compute: at most 2 list macros (map, filter, all, exists) inside one another']);
    expect(issues({ l: { selector: '.l', all: true }, b: { compute: 'l.map(x, l.filter(y, y == x)).size()' } })).toEqual([]);
    // Variables bound by a macro are not fields.
    expect(issues({ a: { selector: '.a', all: true }, b: { compute: 'a.filter(x, x != "").size()' } })).toEqual([]);
    const spec = JobSpec.parse({ ...base, fields: { a: { selector: '.a', all: true }, first: { compute: 'a[0] + "!"' }, n: { compute: 'size(a.filter(x, x != ""))' } } });
    expect(buildItems({ ...raw([]), items: [{ a: ['x', '', 'y'] }] }, spec).items).toEqual([{ a: ['x', '', 'y'], first: 'x!', n: 2 }]);
  });
});
