import { HTTPException } from 'hono/http-exception';
import { cors } from 'hono/cors';
import { createApp } from './app.ts';
import type { Env } from './env.ts';
import { errorResponse, isApiError } from './lib/errors.ts';
import { createLogger } from './lib/log.ts';
import { init } from './middleware/init.ts';
import { requireApiKey, requireSecretKeyOutsideStatus } from './middleware/auth.ts';
import { rateLimit } from './middleware/rate-limit.ts';
import { apiCors } from './middleware/cors.ts';
import { requireDeclaredPermission } from './middleware/permission.ts';
import { registerKeyRoutes } from './routes/keys/index.ts';
import { registerPolicyRoutes } from './routes/policy/index.ts';
import { registerAuditRoutes } from './routes/audit/index.ts';
import { registerStatusRoute } from './routes/public/status.ts';
import { registerMemberRoutes } from './routes/members/index.ts';
import { authRoutes } from './routes/auth/index.ts';
import { registerMeRoute, switchOrgRoutes } from './routes/me/index.ts';
import { registerHealthRoute } from './routes/health.ts';
import { registerDocs } from './routes/docs.ts';
import { registerJobRoutes } from './routes/jobs/index.ts';
import { registerRunRoutes } from './routes/runs/index.ts';
import { registerPreviewRoute } from './routes/preview/index.ts';
import { registerLoginRoutes } from './routes/logins/index.ts';
import { registerProxyRoutes } from './routes/proxies/index.ts';
import { registerNotificationRoutes } from './routes/notifications/index.ts';
import { registerTemplateRoutes } from './routes/templates/index.ts';
import { registerSessionRoutes } from './routes/sessions/index.ts';
import { sweepLostSessions } from './browser-session/sweep.ts';
import { SHARED_PATHS, registerShareRoutes } from './routes/shares/index.ts';
import { internalRoutes } from './routes/internal/index.ts';
import { adminRoutes } from './routes/admin/index.ts';
import { registerAdminObservability } from './routes/admin/observability.ts';
import { registerObservabilityRoutes } from './routes/observability/index.ts';
import { registerUsageRoute } from './routes/usage/index.ts';
import { artifactMaintenance } from './services/artifacts/cleanup.ts';
import { consumeDeadTasks, consumeTasks } from './queue/tasks-consumer.ts';
import type { TaskMessage } from './queue/messages.ts';
import { consumeDeadNotifications, consumeNotifications } from './notify/deliver.ts';
import type { NotifyMessage } from './notify/messages.ts';
import { createDb } from './services/context.ts';
import { pruneNodes } from './services/fleet/nodes.ts';
import { runScheduleTick } from './services/schedules/tick.ts';
import { checkFreshness } from './services/freshness/freshness.ts';
import { sweepExpiredRuns } from './services/retention/sweep.ts';

export { RunCoordinator } from './coordinator/run-coordinator.ts';
export { RateLimiter } from './rate-limit/rate-limiter.ts';
export { SlotLimiter } from './rate-limit/slot-limiter.ts';
export { BrowserSession } from './browser-session/browser-session.ts';

const app = createApp();
app.use('*', init);
registerHealthRoute(app);
registerDocs(app);
// Share links (ADR 0036) are read with their own token, never a key or a session.
const PUBLIC_V1 = new Set(['/v1/openapi.json', '/v1/docs', ...SHARED_PATHS]);
// The status widget runs on other sites' pages: its read may come from any origin (publishable keys only read status).
const publicCors = cors({ origin: '*', allowMethods: ['GET'], allowHeaders: ['Authorization', 'If-None-Match'], exposeHeaders: ['ETag'], maxAge: 86_400 });
app.use('/v1/status', publicCors);
app.use('/v1/public/*', publicCors);
app.use('/v1/*', apiCors((path) => path === '/v1/status' || path.startsWith('/v1/public/')));
const authenticated = (handler: typeof requireApiKey): typeof requireApiKey => async (c, next) =>
  PUBLIC_V1.has(new URL(c.req.url).pathname) ? next() : handler(c, next);
app.use('/v1/*', authenticated(requireApiKey));
app.use('/v1/*', authenticated(rateLimit));
app.use('/v1/*', authenticated(requireSecretKeyOutsideStatus));
app.use('/v1/*', authenticated(requireDeclaredPermission(app)));
registerJobRoutes(app);
registerRunRoutes(app);
registerPreviewRoute(app);
registerLoginRoutes(app);
registerProxyRoutes(app);
registerNotificationRoutes(app);
registerTemplateRoutes(app);
registerSessionRoutes(app);
registerShareRoutes(app);
registerKeyRoutes(app);
registerPolicyRoutes(app);
registerAuditRoutes(app);
registerStatusRoute(app);
registerMemberRoutes(app);
registerMeRoute(app);
registerObservabilityRoutes(app);
registerUsageRoute(app);
app.route('/auth', authRoutes);
app.route('/auth', switchOrgRoutes);
app.route('/internal', internalRoutes);
registerAdminObservability(adminRoutes);
app.route('/internal/admin', adminRoutes);

app.notFound((c) => errorResponse('NOT_FOUND', `No route ${c.req.method} ${new URL(c.req.url).pathname}`, c.get('requestId') ?? 'unknown'));

/** The single error renderer: known errors keep their code; anything else is a 500 that never echoes internals. */
app.onError((err, c) => {
  const requestId = c.get('requestId') ?? 'unknown';
  if (isApiError(err)) return errorResponse(err.code, err.message, requestId, err.details, err.headers);
  if (err instanceof HTTPException && (err.status === 400 || err.status === 415)) {
    const message = err.status === 415 ? 'Send the body as JSON with "Content-Type: application/json"' : 'The request body is not valid JSON';
    return errorResponse('INVALID_SPEC', message, requestId, { issues: [{ path: '(root)', message: err.message }] });
  }
  (c.get('log') ?? createLogger({ requestId })).error('unhandled error', { err: String(err), stack: err instanceof Error ? err.stack : undefined });
  return errorResponse('INTERNAL', 'Something went wrong on our side', requestId);
});

export default {
  fetch: app.fetch,
  async queue(batch: MessageBatch<TaskMessage | NotifyMessage>, env: Env): Promise<void> {
    if (batch.queue === 'trawl-notifications-dlq') await consumeDeadNotifications(batch as MessageBatch<NotifyMessage>, env);
    else if (batch.queue === 'trawl-notifications') await consumeNotifications(batch as MessageBatch<NotifyMessage>, env);
    else if (batch.queue.endsWith('-dlq')) await consumeDeadTasks(batch as MessageBatch<TaskMessage>, env);
    else await consumeTasks(batch as MessageBatch<TaskMessage>, env);
  },
  async scheduled(controller: ScheduledController, env: Env): Promise<void> {
    const log = createLogger({ component: 'cron' });
    const services = { env, db: createDb(env), log, requestId: 'cron', baseUrl: '' };
    // Schedules first: a run's start should not wait on housekeeping. The tick's own time is the clock (ADR 0042).
    await runScheduleTick(services, controller.scheduledTime);
    await pruneNodes(services);
    await sweepLostSessions(services);
    await artifactMaintenance(services);
    // Freshness and retention go by the tick's time too, so a replayed or far-future tick decides as of then (ADR 0047).
    await checkFreshness(services, controller.scheduledTime);
    await sweepExpiredRuns(services, controller.scheduledTime);
  },
} satisfies ExportedHandler<Env, TaskMessage | NotifyMessage>;
