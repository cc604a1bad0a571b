import { and, desc, eq } from 'drizzle-orm';
import { notificationEndpoints } from '@trawl/db';
import { EndpointInput, issuesOf, newId, type NotificationEndpoint } from '@trawl/schemas';
import { ApiError, invalid, notFound } from '../../lib/errors.ts';
import { seal, unseal } from '../../lib/secret-box.ts';
import { notifyConfigOf } from '../../notify/config.ts';
import { webhookRefusal } from '../../notify/egress.ts';
import { secretAad } from '../../notify/secrets.ts';
import { newWebhookSecret } from '../../notify/sign.ts';
import { auditStatement } from '../audit/audit.ts';
import type { ActorContext } from '../context.ts';
import { credentialKeys, credentialsKey } from '../logins/logins.ts';
import { authorize } from '../permissions.ts';
import { policyOf } from '../policy/policy.ts';

type EndpointRow = typeof notificationEndpoints.$inferSelect;

export const toEndpoint = (r: EndpointRow): NotificationEndpoint => ({
  id: r.id, kind: r.kind, name: r.name, url: r.url, email: r.email, enabled: r.disabledAt === null, disabledAt: r.disabledAt,
  disabledReason: r.disabledReason, consecutiveFailures: r.consecutiveFailures, previousSecretUntil: r.previousSecretUntil, createdAt: r.createdAt,
});

export async function endpointRow(ctx: ActorContext, id: string): Promise<EndpointRow> {
  const [row] = await ctx.db.select().from(notificationEndpoints)
    .where(and(eq(notificationEndpoints.id, id), eq(notificationEndpoints.orgId, ctx.actor.orgId))).limit(1);
  if (!row) throw notFound('Notification endpoint', id);
  return row;
}

/** A webhook's URL obeys the egress rules of pages (checked again at every attempt, with DNS); its secret is shown once. */
export async function createEndpoint(ctx: ActorContext, body: unknown): Promise<{ endpoint: NotificationEndpoint; secret: string | null }> {
  authorize(ctx, 'notifications:write');
  const parsed = EndpointInput.safeParse(body);
  if (!parsed.success) throw invalid('INVALID_REQUEST', 'The notification endpoint is not valid', issuesOf(parsed.error));
  const input = parsed.data;
  const orgId = ctx.actor.orgId;
  if (input.kind === 'webhook') {
    const refusal = webhookRefusal(input.url, await policyOf(ctx, orgId), notifyConfigOf(ctx.env));
    if (refusal) throw new ApiError(refusal.code, `The webhook URL is refused: ${refusal.reason}`, { issues: [{ path: 'url', message: refusal.reason }] });
  }
  const now = Date.now();
  const id = newId('nep', now);
  const secret = input.kind === 'webhook' ? newWebhookSecret() : null;
  const row: EndpointRow = {
    id, orgId, kind: input.kind, name: input.name, url: input.kind === 'webhook' ? input.url : null, email: input.kind === 'email' ? input.email : null,
    secretEnc: secret ? await seal(credentialsKey(ctx), secretAad(orgId, id, 'current'), secret) : null,
    previousSecretEnc: null, previousSecretUntil: null, consecutiveFailures: 0, disabledAt: null, disabledReason: null,
    createdBy: ctx.actor.principal, createdAt: now, updatedAt: now,
  };
  await ctx.db.batch([ctx.db.insert(notificationEndpoints).values(row), auditStatement(ctx, 'notification_endpoint.create', id, { kind: row.kind, name: row.name })]);
  return { endpoint: toEndpoint(row), secret };
}

export async function listEndpoints(ctx: ActorContext): Promise<{ data: NotificationEndpoint[] }> {
  authorize(ctx, 'notifications:read');
  const rows = await ctx.db.select().from(notificationEndpoints).where(eq(notificationEndpoints.orgId, ctx.actor.orgId)).orderBy(desc(notificationEndpoints.id)).limit(200);
  return { data: rows.map(toEndpoint) };
}

export async function deleteEndpoint(ctx: ActorContext, id: string): Promise<void> {
  authorize(ctx, 'notifications:write');
  await endpointRow(ctx, id);
  await ctx.db.batch([
    ctx.db.delete(notificationEndpoints).where(and(eq(notificationEndpoints.id, id), eq(notificationEndpoints.orgId, ctx.actor.orgId))),
    auditStatement(ctx, 'notification_endpoint.delete', id),
  ]);
}

/**
 * A new secret signs from now on; the old one keeps signing beside it for NOTIFY_SECRET_OVERLAP_MS, so receivers
 * can switch without losing a delivery (both `v1,` signatures are sent during the overlap).
 */
export async function rotateEndpointSecret(ctx: ActorContext, id: string): Promise<{ endpoint: NotificationEndpoint; secret: string | null }> {
  authorize(ctx, 'notifications:write');
  const row = await endpointRow(ctx, id);
  if (row.kind !== 'webhook' || !row.secretEnc) throw new ApiError('CONFLICT', 'Only webhook endpoints have a signing secret');
  const key = credentialsKey(ctx);
  const current = await unseal<string>(credentialKeys(ctx), secretAad(row.orgId, id, 'current'), row.secretEnc);
  const secret = newWebhookSecret();
  const now = Date.now();
  const changes = {
    secretEnc: await seal(key, secretAad(row.orgId, id, 'current'), secret),
    previousSecretEnc: await seal(key, secretAad(row.orgId, id, 'previous'), current),
    previousSecretUntil: now + notifyConfigOf(ctx.env).secretOverlapMs, updatedAt: now,
  };
  await ctx.db.batch([
    ctx.db.update(notificationEndpoints).set(changes).where(and(eq(notificationEndpoints.id, id), eq(notificationEndpoints.orgId, ctx.actor.orgId))),
    auditStatement(ctx, 'notification_endpoint.rotate_secret', id, { previousSecretUntil: changes.previousSecretUntil }),
  ]);
  return { endpoint: toEndpoint({ ...row, ...changes }), secret };
}

/** After the receiver is fixed: the endpoint takes notifications again, its failure count back at 0. */
export async function enableEndpoint(ctx: ActorContext, id: string): Promise<NotificationEndpoint> {
  authorize(ctx, 'notifications:write');
  const row = await endpointRow(ctx, id);
  const changes = { disabledAt: null, disabledReason: null, consecutiveFailures: 0, updatedAt: Date.now() };
  await ctx.db.batch([
    ctx.db.update(notificationEndpoints).set(changes).where(and(eq(notificationEndpoints.id, id), eq(notificationEndpoints.orgId, ctx.actor.orgId))),
    auditStatement(ctx, 'notification_endpoint.enable', id),
  ]);
  return toEndpoint({ ...row, ...changes });
}
