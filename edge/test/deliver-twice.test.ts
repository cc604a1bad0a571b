import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
// The shipped file itself, as text (Vite's ?raw import: edge tests have no Node APIs in their types).
import toml from '../../wrangler.toml?raw';
import { deliveriesOf, forEachDelivery } from '../src/queue/deliver-twice.ts';

type Vars = Record<string, string>;
const config = parse(toml) as unknown as { vars: Vars; env: Record<'staging' | 'production', { vars: Vars }> };

describe('the test-only double delivery switch (ADR 0057)', () => {
  it('a test or development stack handles every message twice when TEST_DELIVER_TWICE=true', () => {
    expect(deliveriesOf({ ENVIRONMENT: 'test', TEST_DELIVER_TWICE: 'true' })).toBe(2);
    expect(deliveriesOf({ ENVIRONMENT: 'development', TEST_DELIVER_TWICE: 'true' })).toBe(2);
    expect(deliveriesOf({ ENVIRONMENT: 'test' })).toBe(1);
    expect(deliveriesOf({ ENVIRONMENT: 'test', TEST_DELIVER_TWICE: '1' })).toBe(1);
  });

  it('production ignores it: the shipped production and staging vars, an unset ENVIRONMENT, any other value', () => {
    expect(config.env.production.vars.ENVIRONMENT).toBe('production');
    expect(deliveriesOf({ ...config.env.production.vars, TEST_DELIVER_TWICE: 'true' })).toBe(1);
    expect(deliveriesOf({ ...config.env.staging.vars, TEST_DELIVER_TWICE: 'true' })).toBe(1);
    expect(deliveriesOf({ TEST_DELIVER_TWICE: 'true' })).toBe(1);
    expect(deliveriesOf({ ENVIRONMENT: 'Production', TEST_DELIVER_TWICE: 'true' })).toBe(1);
    expect(deliveriesOf({ ENVIRONMENT: 'staging', TEST_DELIVER_TWICE: 'true' })).toBe(1);
  });

  it('forEachDelivery hands each message over twice in a row, the second marked as the copy', async () => {
    const seen: string[] = [];
    await forEachDelivery({ ENVIRONMENT: 'test', TEST_DELIVER_TWICE: 'true' }, ['a', 'b'], async (m, copy) => { seen.push(`${m}${copy ? '*' : ''}`); });
    expect(seen).toEqual(['a', 'a*', 'b', 'b*']);
    seen.length = 0;
    await forEachDelivery({ ENVIRONMENT: 'production', TEST_DELIVER_TWICE: 'true' }, ['a', 'b'], async (m, copy) => { seen.push(`${m}${copy ? '*' : ''}`); });
    expect(seen).toEqual(['a', 'b']);
  });
});
