import { createRoute, z } from '@hono/zod-openapi';
import { Job, JobInput, JobPatch } from '@trawl/schemas';
import type { createApp } from '../../app.ts';
import { createJob, deleteJob, getJob, listJobs, updateJob } from '../../services/jobs/jobs.ts';
import { PageQuery } from '../../services/pagination.ts';
import { JobSearch } from '../../services/jobs/search.ts';
import { IdParam, errorResponses, readJsonBody, security } from '../openapi-common.ts';
import { registerValidateRoute } from './validate.ts';
import { registerScheduleRoutes } from './schedule.ts';
import { registerFreshnessRoute } from './freshness.ts';

const ScheduleSummary = z.object({ cron: z.string(), timeZone: z.string(), paused: z.boolean(), nextRun: z.number().nullable() })
  .openapi({ description: 'The job\'s schedule (ADR 0042) in short; null when it has none. nextRun is null while paused.' });
const JobList = z.object({ data: z.array(Job.extend({ schedule: ScheduleSummary.nullable() })), nextCursor: z.string().nullable() });
const tags = ['Jobs'];

const create = createRoute({
  method: 'post', path: '/v1/jobs', tags, security, 'x-trawl-permission': 'jobs:write', summary: 'Create a job',
  description: 'A job is what to collect: start URLs, the item selector and fields, pagination and limits. Invalid specs answer 400 INVALID_SPEC with the path of every problem.',
  request: { body: { content: { 'application/json': { schema: JobInput } }, required: true } },
  responses: { 201: { description: 'The job', content: { 'application/json': { schema: Job } } }, ...errorResponses('INVALID_SPEC', 'FORBIDDEN', 'UNREACHABLE_TARGET', 'BLOCKED_BY_POLICY') },
});
const list = createRoute({
  method: 'get', path: '/v1/jobs', tags, security, 'x-trawl-permission': 'jobs:read', summary: 'List or search jobs (newest first, paginated by cursor)',
  description: '`q`: text in the job\'s name or a start URL (case-insensitive), or its exact id. `status`: the status of the job\'s last run, or `never` for jobs not run yet. The filters apply before the cursor, so every page of a search is full and no job repeats.',
  request: { query: PageQuery.merge(JobSearch) },
  responses: { 200: { description: 'A page of jobs', content: { 'application/json': { schema: JobList } } }, ...errorResponses('INVALID_REQUEST') },
});
const get = createRoute({
  method: 'get', path: '/v1/jobs/{id}', tags, security, 'x-trawl-permission': 'jobs:read', summary: 'Get a job', request: { params: IdParam('job') },
  responses: { 200: { description: 'The job', content: { 'application/json': { schema: Job } } }, ...errorResponses('NOT_FOUND') },
});
const update = createRoute({
  method: 'patch', path: '/v1/jobs/{id}', tags, security, 'x-trawl-permission': 'jobs:write', summary: 'Change a job\'s name or spec (runs already started keep their copy)',
  request: { params: IdParam('job'), body: { content: { 'application/json': { schema: JobPatch } }, required: true } },
  responses: { 200: { description: 'The job', content: { 'application/json': { schema: Job } } }, ...errorResponses('NOT_FOUND', 'INVALID_SPEC', 'FORBIDDEN', 'UNREACHABLE_TARGET', 'BLOCKED_BY_POLICY') },
});
const remove = createRoute({
  method: 'delete', path: '/v1/jobs/{id}', tags, security, 'x-trawl-permission': 'jobs:write', summary: 'Delete a job (its runs and results stay readable)',
  request: { params: IdParam('job') },
  responses: { 204: { description: 'Deleted' }, ...errorResponses('NOT_FOUND', 'FORBIDDEN') },
});

export function registerJobRoutes(app: ReturnType<typeof createApp>) {
  registerValidateRoute(app);
  registerScheduleRoutes(app);
  registerFreshnessRoute(app);
  app.openapi(create, async (c) => c.json(await createJob(c.get('actor'), await readJsonBody(c)), 201));
  app.openapi(list, async (c) => c.json(await listJobs(c.get('actor'), c.req.valid('query')), 200));
  app.openapi(get, async (c) => c.json(await getJob(c.get('actor'), c.req.valid('param').id), 200));
  app.openapi(update, async (c) => c.json(await updateJob(c.get('actor'), c.req.valid('param').id, await readJsonBody(c)), 200));
  app.openapi(remove, async (c) => {
    await deleteJob(c.get('actor'), c.req.valid('param').id);
    return c.body(null, 204);
  });
}
