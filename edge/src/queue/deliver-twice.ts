/**
 * Test-only chaos switch (ADR 0057): `TEST_DELIVER_TWICE=true` makes the queue consumers handle every message
 * twice, as an at-least-once queue may deliver it, so a stack can show that a duplicate delivery never duplicates
 * a page's items or a run's outcome. Honoured only when ENVIRONMENT is `test` or `development`: a production
 * deployment (ENVIRONMENT `production`, or unset, which configOf reads as production) ignores it, so a stray
 * variable can never double the fleet's work there.
 */
export interface DeliverTwiceEnv { ENVIRONMENT?: string; TEST_DELIVER_TWICE?: string }

const TEST_ENVIRONMENTS = new Set(['test', 'development']);

/** How many times each queue message is handled: 2 under the switch on a test stack, else 1. */
export function deliveriesOf(env: DeliverTwiceEnv): 1 | 2 {
  return env.TEST_DELIVER_TWICE === 'true' && TEST_ENVIRONMENTS.has(env.ENVIRONMENT ?? 'production') ? 2 : 1;
}

/** Every message of the batch handed to `handle` `deliveriesOf(env)` times: the copy right after the original. */
export async function forEachDelivery<M>(env: DeliverTwiceEnv, messages: readonly M[], handle: (m: M, copy: boolean) => Promise<void>): Promise<void> {
  const times = deliveriesOf(env);
  for (const m of messages) {
    for (let d = 0; d < times; d++) await handle(m, d > 0);
  }
}
