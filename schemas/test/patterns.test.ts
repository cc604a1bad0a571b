import { describe, expect, it } from 'vitest';
import { JobSpec, issuesOf, type ProcessStepInput } from '@trawl/schemas';

/** The issues a spec with one field `price` (a trim, then the step under test) gets from validation. */
function issuesFor(step: ProcessStepInput): Array<{ path: string; message: string }> {
  const r = JobSpec.safeParse({ startUrls: ['https://shop.example/'], itemSelector: 'li', fields: { price: { process: [{ op: 'trim' }, step] } } });
  return r.success ? [] : issuesOf(r.error);
}

// What RE2 cannot run is refused at validation with the step's path and a hint, never at run time.
const REFUSED: Array<[string, ProcessStepInput, string, string]> = [
  ['lookbehind', { op: 'regex', pattern: '(?<=\\$)\\d+', group: 0 }, 'fields.price.process.1.pattern', 'lookbehind (?<=…) and (?<!…) are not supported'],
  ['negative lookbehind', { op: 'replace', pattern: '(?<!x)a', with: '' }, 'fields.price.process.1.pattern', 'lookbehind (?<=…) and (?<!…) are not supported'],
  ['lookahead', { op: 'regex', pattern: '\\d+(?= €)', group: 0 }, 'fields.price.process.1.pattern', 'lookahead (?=…) and (?!…) are not supported'],
  ['backreference', { op: 'regex', pattern: '(["\'])(.*)\\1', group: 2 }, 'fields.price.process.1.pattern', 'backreferences (\\1) are not supported'],
  ['named backreference', { op: 'regex', pattern: '(?<q>")(.*)\\k<q>', group: 2 }, 'fields.price.process.1.pattern', 'named backreferences (\\k<name>) are not supported'],
  ['unknown escape', { op: 'replace', pattern: '\\e', with: '' }, 'fields.price.process.1.pattern', 'invalid escape sequence: `\\e`'],
  ['syntax error', { op: 'regex', pattern: '(\\d+' }, 'fields.price.process.1.pattern', 'missing closing ): `(\\d+`'],
  ['repeat over 1000', { op: 'regex', pattern: '(a{2000})' }, 'fields.price.process.1.pattern', 'invalid repeat count: `{2000}`'],
  ['program too large', { op: 'regex', pattern: '([a-z]{1000}){1}([a-z]{1000})x', group: 0 }, 'fields.price.process.1.pattern', 'the pattern is too large once compiled'],
  ['group the pattern lacks', { op: 'regex', pattern: 'SKU: (\\S+)', group: 2 }, 'fields.price.process.1.group', 'group 2 but the pattern has 1 capturing group(s)'],
];

describe('pattern validation (ADR 0022)', () => {
  it.each(REFUSED)('refuses a %s with its path and a hint', (_name, step, path, message) => {
    const issues = issuesFor(step);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe(path);
    expect(issues[0]?.message).toContain(message);
  });

  it('refuses a pattern over 1000 characters', () => {
    expect(issuesFor({ op: 'regex', pattern: `(${'a'.repeat(1000)})` })).toEqual([
      { path: 'fields.price.process.1.pattern', message: 'a pattern has at most 1000 characters' },
    ]);
  });

  it('refuses a date format that gives a part twice (it used to crash the step)', () => {
    const r = JobSpec.safeParse({ startUrls: ['https://shop.example/'], itemSelector: 'li', fields: { d: { process: [{ op: 'date', formats: ['dd.MM.yyyy', 'dd.dd.yyyy'] }] } } });
    expect(r.success ? [] : issuesOf(r.error)).toEqual([{ path: 'fields.d.process.0.formats.1', message: 'the day appears twice in the format; give each part once (dd.MM.yyyy)' }]);
  });

  it('accepts catastrophic-looking patterns (they run in linear time), named groups and JavaScript escapes', () => {
    for (const pattern of ['(a+)+$', '(.*a){20}', '(?<amount>[\\d.,]+)\\u00a0€', '[^]+', '\\/p\\/(\\d+)', '(?i)sku']) {
      expect(issuesFor({ op: 'regex', pattern, group: 0 })).toEqual([]);
    }
  });
});
