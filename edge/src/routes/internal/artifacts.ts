import type { Hono } from 'hono';
import { LEASE_HEADER } from '@trawl/schemas';
import type { AppEnv } from '../../app.ts';
import { ApiError } from '../../lib/errors.ts';
import { storeArtifact } from '../../services/artifacts/store.ts';

/** PUT /internal/runs/{runId}/tasks/{taskId}/artifacts/{attempt}/{name}: raw bytes, signed like every fleet call. */
export function registerArtifactUpload(routes: Hono<AppEnv>): void {
  routes.put('/runs/:runId/tasks/:taskId/artifacts/:attempt/:name', async (c) => {
    const attempt = Number(c.req.param('attempt'));
    const leaseToken = c.req.header(LEASE_HEADER);
    if (!Number.isInteger(attempt) || attempt < 1 || !leaseToken) {
      throw new ApiError('INVALID_REQUEST', 'An artifact upload needs an attempt number and the lease token', { issues: [{ path: LEASE_HEADER, message: 'required' }] });
    }
    const stored = await storeArtifact(c.get('services'), {
      runId: c.req.param('runId'), taskId: c.req.param('taskId'), attempt, name: c.req.param('name'), leaseToken,
      contentType: c.req.header('content-type') ?? 'application/octet-stream', bytes: new Uint8Array(await c.req.arrayBuffer()),
    });
    return c.json({ ok: true, ...stored });
  });
}
