import { createRoute, z } from '@hono/zod-openapi';
import type { createApp } from '../../app.ts';
import { listLiveTasks, watchTask } from '../../services/runs/live.ts';
import { IdParam, errorResponses, security } from '../openapi-common.ts';

const tags = ['Runs'];
const LiveTask = z.object({ taskId: z.string(), url: z.string(), attempt: z.number().int(), startedAt: z.number().int() });
const TaskParams = IdParam('run').extend({ taskId: z.string().min(1).max(64).openapi({ param: { name: 'taskId', in: 'path' }, example: 'tsk_0mh3x2k1a9f3c7d1e8b2' }) });

const list = createRoute({
  method: 'get', path: '/v1/runs/{id}/live', tags, security, 'x-trawl-permission': 'runs:read',
  summary: 'The run\'s tasks in flight that can be watched live',
  responses: { 200: { description: 'Tasks running now, oldest first', content: { 'application/json': { schema: z.object({ data: z.array(LiveTask) }) } } }, ...errorResponses('NOT_FOUND') },
  request: { params: IdParam('run') },
});
const watch = createRoute({
  method: 'get', path: '/v1/runs/{id}/tasks/{taskId}/live', tags, security, 'x-trawl-permission': 'runs:read',
  summary: 'A read-only live view of a task in flight (WebSocket)',
  description: 'Connect with `Upgrade: websocket`. The fleet node screencasts the task\'s page only while this socket is open. Each message is JSON: `{"type":"frame","data":"<JPEG, base64>","width","height","scrollX","scrollY","url","ts"}`; `{"type":"ended"}` and close code 1000 follow the end of the task. While a stored login is filled in, no frames are sent. Messages from the watcher are ignored. A browser signed in with a cookie must connect from the app\'s own origin.',
  request: { params: TaskParams },
  responses: { 101: { description: 'The live view' }, ...errorResponses('NOT_FOUND', 'INVALID_REQUEST', 'FORBIDDEN', 'FLEET_UNAVAILABLE') },
});

/** The live view of tasks in flight (issue #13 §2, ADR 0044). */
export function registerLiveRoutes(app: ReturnType<typeof createApp>) {
  app.openapi(list, async (c) => c.json(await listLiveTasks(c.get('actor'), c.req.valid('param').id), 200));
  app.openapi(watch, async (c) => watchTask(c.get('actor'), c.req.valid('param').id, c.req.valid('param').taskId, c.req.raw) as never);
}
