import { Task, type JobSpecInput } from '@trawl/schemas';

export const LISTING_SPEC = {
  itemSelector: 'li.item',
  fields: {
    title: { selector: 'a.title' },
    url: { selector: 'a.title', source: 'attr', attr: 'href', process: [{ op: 'absoluteUrl' }] },
    price: { selector: '.price', process: [{ op: 'number' }] },
  },
  pagination: { type: 'nextLink', selector: 'a.next' },
} satisfies Omit<JobSpecInput, 'startUrls'>;

let seq = 0;

/** A valid task for `url`, parsed through the real schema so defaults are the production ones. */
export function makeTask(url: string, over: Partial<Record<string, unknown>> = {}, specOver: Record<string, unknown> = {}): Task {
  seq++;
  return Task.parse({
    runId: 'run_test', orgId: 'org_test', taskId: `tsk_${seq}`, attempt: 1, leaseToken: `lease_${seq}`,
    url, depth: 0, spec: { ...LISTING_SPEC, ...specOver }, deadline: Date.now() + 15_000,
    edgeUrl: 'http://127.0.0.1:9', leaseMs: 3000, ...over,
  });
}
