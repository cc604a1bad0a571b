import { createRoute } from '@hono/zod-openapi';
import { Schedule, ScheduleInput, issuesOf } from '@trawl/schemas';
import { invalid } from '../../lib/errors.ts';
import type { createApp } from '../../app.ts';
import { deleteSchedule, getSchedule, putSchedule, setPaused } from '../../services/schedules/schedules.ts';
import { IdParam, errorResponses, readJsonBody, security } from '../openapi-common.ts';

const tags = ['Schedules'];
const path = '/v1/jobs/{id}/schedule';
const ok = { 200: { description: 'The schedule, with its next five start times', content: { 'application/json': { schema: Schedule } } } };

const get = createRoute({
  method: 'get', path, tags, security, 'x-trawl-permission': 'jobs:read', summary: 'Get a job\'s schedule and its next run times',
  request: { params: IdParam('job') }, responses: { ...ok, ...errorResponses('NOT_FOUND') },
});
const put = createRoute({
  method: 'put', path, tags, security, 'x-trawl-permission': 'jobs:write', summary: 'Set a job\'s schedule (cron in a time zone)',
  description: 'Every minute the edge starts each due slot once (keyed by schedule and slot). Slots missed by more than 5 minutes follow `catchUp`; a slot due while the job runs follows `overlap`. Setting a schedule starts runs, so it needs `runs:write` too. A bad cron or zone answers 400 INVALID_SCHEDULE.',
  request: { params: IdParam('job'), body: { content: { 'application/json': { schema: ScheduleInput } }, required: true } },
  responses: { ...ok, ...errorResponses('NOT_FOUND', 'INVALID_SCHEDULE', 'FORBIDDEN') },
});
const remove = createRoute({
  method: 'delete', path, tags, security, 'x-trawl-permission': 'jobs:write', summary: 'Remove a job\'s schedule',
  request: { params: IdParam('job') }, responses: { 204: { description: 'Removed' }, ...errorResponses('NOT_FOUND', 'FORBIDDEN') },
});
const pause = createRoute({
  method: 'post', path: `${path}/pause`, tags, security, 'x-trawl-permission': 'jobs:write', summary: 'Pause a job\'s schedule',
  request: { params: IdParam('job') }, responses: { ...ok, ...errorResponses('NOT_FOUND', 'CONFLICT', 'FORBIDDEN') },
});
const resume = createRoute({
  method: 'post', path: `${path}/resume`, tags, security, 'x-trawl-permission': 'jobs:write', summary: 'Resume a paused schedule (slots passed while paused do not run)',
  request: { params: IdParam('job') }, responses: { ...ok, ...errorResponses('NOT_FOUND', 'CONFLICT', 'FORBIDDEN') },
});

export function registerScheduleRoutes(app: ReturnType<typeof createApp>) {
  app.openapi(get, async (c) => c.json(await getSchedule(c.get('actor'), c.req.valid('param').id), 200));
  // A schedule body that fails its schema is a bad schedule (the app's default calls a bad body INVALID_SPEC, a job's code).
  app.openapi(put, async (c) => c.json(await putSchedule(c.get('actor'), c.req.valid('param').id, await readJsonBody(c, 'INVALID_REQUEST')), 200), (result): undefined => {
    if (!result.success) throw invalid(result.target === 'json' ? 'INVALID_SCHEDULE' : 'INVALID_REQUEST', `The request ${result.target} is not valid`, issuesOf(result.error));
    return undefined;
  });
  app.openapi(remove, async (c) => {
    await deleteSchedule(c.get('actor'), c.req.valid('param').id);
    return c.body(null, 204);
  });
  app.openapi(pause, async (c) => c.json(await setPaused(c.get('actor'), c.req.valid('param').id, true), 200));
  app.openapi(resume, async (c) => c.json(await setPaused(c.get('actor'), c.req.valid('param').id, false), 200));
}
