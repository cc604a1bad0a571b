import { describe, expect, it } from 'vitest';
import { getIn, renameKey, setIn } from '../src/app/editor/draft.ts';
import { csrfFromCookie, toApiError } from '@trawl/client';

describe('the job editor draft', () => {
  it('sets, replaces and removes values by path without touching the original', () => {
    const spec = { fields: { price: { selector: '.price', process: [{ op: 'trim' }, { op: 'number' }] } } };
    const changed = setIn(spec, ['fields', 'price', 'process', 1, 'op'], 'currency');
    expect(getIn(changed, ['fields', 'price', 'process', 1, 'op'])).toBe('currency');
    expect(spec.fields.price.process[1]!.op).toBe('number');
    expect(setIn(changed, ['fields', 'price', 'process', 0], undefined)).toEqual({ fields: { price: { selector: '.price', process: [{ op: 'currency' }] } } });
    expect(setIn(spec, ['fields', 'price', 'selector'], undefined)).toEqual({ fields: { price: { process: [{ op: 'trim' }, { op: 'number' }] } } });
    expect(setIn({}, ['pagination', 'type'], 'nextLink')).toEqual({ pagination: { type: 'nextLink' } });
  });

  it('renames a field keeping its place', () => {
    expect(Object.keys(renameKey({ a: 1, b: 2, c: 3 }, 'b', 'sku'))).toEqual(['a', 'sku', 'c']);
  });
});

describe('the typed client helpers', () => {
  it('reads the CSRF token from the readable cookie', () => {
    expect(csrfFromCookie('theme=dark; trawl_csrf=abc123; other=1')).toBe('abc123');
    expect(csrfFromCookie('trawl_session=x')).toBeNull();
  });

  it('keeps the API error body, and names network and non-JSON failures', () => {
    const body = { code: 'INVALID_SPEC', message: 'bad', hint: 'fix it', requestId: 'req_1' };
    expect(toApiError({ error: body }, 400)).toEqual(body);
    expect(toApiError(new TypeError('Failed to fetch'), null)).toEqual({ code: 'NETWORK', message: 'Failed to fetch' });
    expect(toApiError('<html>', 502)).toEqual({ code: 'HTTP_502', message: '<html>' });
  });
});
