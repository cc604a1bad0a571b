/** Jobs: create, read, change, delete, check a spec, preview it on one page, and save by name. */
import type { TrawlClient } from '@trawl/client';
import { asBody, everyPage, unwrap } from '../call.ts';
import type { Job, JobInput, JobList, JobPatch, JobQuery, JobSpec, Preview, PreviewInput, Validation } from '../types.ts';

export class Jobs {
  constructor(private readonly api: TrawlClient) {}

  create(input: JobInput): Promise<Job> {
    return unwrap(this.api.POST('/v1/jobs', { body: asBody(input) }));
  }

  list(query: JobQuery = {}): Promise<JobList> {
    return unwrap(this.api.GET('/v1/jobs', { params: { query } }));
  }

  /** Every job, page after page. */
  all(query: Omit<JobQuery, 'cursor'> = {}): AsyncGenerator<JobList['data'][number]> {
    return everyPage((cursor) => this.list({ ...query, ...(cursor ? { cursor } : {}) }));
  }

  get(id: string): Promise<Job> {
    return unwrap(this.api.GET('/v1/jobs/{id}', { params: { path: { id } } }));
  }

  update(id: string, patch: JobPatch): Promise<Job> {
    return unwrap(this.api.PATCH('/v1/jobs/{id}', { params: { path: { id } }, body: asBody(patch) }));
  }

  async delete(id: string): Promise<void> {
    await unwrap(this.api.DELETE('/v1/jobs/{id}', { params: { path: { id } }, parseAs: 'text' }));
  }

  /** The spec with its defaults filled in, and warnings; a bad spec throws INVALID_SPEC with `issues` (each with its path). */
  validate(spec: JobSpec): Promise<Validation> {
    return unwrap(this.api.POST('/v1/jobs/validate', { body: asBody({ spec }) }));
  }

  /** Runs the spec on one page: items, fill rates, warnings and a screenshot. */
  preview(input: PreviewInput): Promise<Preview> {
    return unwrap(this.api.POST('/v1/preview', { body: asBody(input) }));
  }

  /** The job with exactly this name, if any (names are searched, then matched exactly). */
  async findByName(name: string): Promise<Job | null> {
    for await (const job of this.all({ q: name })) if (job.name === name) return this.get(job.id);
    return null;
  }

  /** Saves a job by name: changes the spec of the job so named, or creates it. */
  async upsert(input: JobInput): Promise<{ job: Job; created: boolean }> {
    const found = await this.findByName(input.name);
    if (found) return { job: await this.update(found.id, { spec: input.spec } as JobPatch), created: false };
    return { job: await this.create(input), created: true };
  }
}
