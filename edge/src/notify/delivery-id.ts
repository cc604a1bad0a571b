/**
 * A run event's delivery id for one endpoint (ADR 0066): the same on every try of that event, so a retry after a
 * partial success finds the row it already wrote (the id is the primary key) instead of adding a second. Shaped like
 * `newId('msg', at)`: the time part (the event's time, a run's finishedAt) keeps the delivery log in order, and the
 * rest is taken from SHA-256 of (run, event, endpoint) in place of random characters.
 */
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

export async function deliveryIdOf(runId: string, event: string, endpointId: string, at: number): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${runId}\n${event}\n${endpointId}`)));
  let rest = '';
  for (const b of digest.subarray(0, 12)) rest += ALPHABET[b % 36];
  return `msg_${at.toString(36).padStart(9, '0')}${rest}`;
}
