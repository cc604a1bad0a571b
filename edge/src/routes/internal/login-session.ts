import type { Hono } from 'hono';
import { LeaseRequest, SaveLoginState, issuesOf } from '@trawl/schemas';
import type { AppEnv } from '../../app.ts';
import { ApiError } from '../../lib/errors.ts';
import { loginForTask, saveTaskLoginState } from '../../services/logins/task-login.ts';
import { proxiesForTask } from '../../services/proxies/task-proxies.ts';
import { sessionForTask } from '../../services/sessions/task-session.ts';

async function body(req: Request): Promise<unknown> {
  try {
    return JSON.parse(await req.text());
  } catch {
    throw new ApiError('INVALID_REQUEST', 'The fleet message is not JSON');
  }
}

/** A task's stored login, for the node holding its lease (signed like every internal route; see ADR 0006). */
export function registerLoginSession(routes: Hono<AppEnv>): void {
  routes.post('/runs/:runId/tasks/:taskId/login', async (c) => {
    const parsed = LeaseRequest.safeParse(await body(c.req.raw));
    if (!parsed.success) throw new ApiError('INVALID_REQUEST', 'Invalid fleet message', { issues: issuesOf(parsed.error) });
    return c.json(await loginForTask(c.get('services'), c.req.param('runId'), c.req.param('taskId'), parsed.data.leaseToken));
  });
  // The job's upstream proxies with their credentials (ADR 0035), on the same terms as the login.
  routes.post('/runs/:runId/tasks/:taskId/proxies', async (c) => {
    const parsed = LeaseRequest.safeParse(await body(c.req.raw));
    if (!parsed.success) throw new ApiError('INVALID_REQUEST', 'Invalid fleet message', { issues: issuesOf(parsed.error) });
    return c.json(await proxiesForTask(c.get('services'), c.req.param('runId'), c.req.param('taskId'), parsed.data.leaseToken));
  });
  // The session the previous page of a kept-session chain left (ADR 0041), on the same terms as the login.
  routes.post('/runs/:runId/tasks/:taskId/session', async (c) => {
    const parsed = LeaseRequest.safeParse(await body(c.req.raw));
    if (!parsed.success) throw new ApiError('INVALID_REQUEST', 'Invalid fleet message', { issues: issuesOf(parsed.error) });
    return c.json(await sessionForTask(c.get('services'), c.req.param('runId'), c.req.param('taskId'), parsed.data.leaseToken));
  });
  routes.post('/runs/:runId/tasks/:taskId/login/state', async (c) => {
    const parsed = SaveLoginState.safeParse(await body(c.req.raw));
    if (!parsed.success) throw new ApiError('INVALID_REQUEST', 'Invalid fleet message', { issues: issuesOf(parsed.error) });
    await saveTaskLoginState(c.get('services'), c.req.param('runId'), c.req.param('taskId'), parsed.data.leaseToken, parsed.data.storageState);
    return c.json({ ok: true });
  });
}
