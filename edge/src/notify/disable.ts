import { and, eq, isNull } from 'drizzle-orm';
import { members, notificationEndpoints, users } from '@trawl/db';
import type { ServiceContext } from '../services/context.ts';
import { sendEmail } from './email.ts';

type EndpointRow = typeof notificationEndpoints.$inferSelect;

/**
 * Disables an endpoint after repeated failure and tells the organization's owners by e-mail, once: only the
 * update that actually disabled it sends the e-mail. A failed e-mail is logged; the endpoint stays disabled.
 */
export async function disableEndpoint(ctx: ServiceContext, endpoint: EndpointRow, reason: string): Promise<void> {
  const now = Date.now();
  const changed = await ctx.db.update(notificationEndpoints).set({ disabledAt: now, disabledReason: reason.slice(0, 500), updatedAt: now })
    .where(and(eq(notificationEndpoints.id, endpoint.id), isNull(notificationEndpoints.disabledAt))).returning({ id: notificationEndpoints.id });
  if (!changed.length) return;
  const owners = await ctx.db.select({ email: users.email }).from(members).innerJoin(users, eq(users.id, members.userId))
    .where(and(eq(members.orgId, endpoint.orgId), eq(members.role, 'owner')));
  ctx.log.warn('notification endpoint disabled', { endpointId: endpoint.id, orgId: endpoint.orgId, reason });
  if (!owners.length) return;
  const target = endpoint.kind === 'webhook' ? endpoint.url : endpoint.email;
  try {
    await sendEmail(ctx.env, {
      to: owners.map((o) => o.email),
      subject: `Trawl: notification endpoint "${endpoint.name}" was disabled`,
      text: [`The notification endpoint "${endpoint.name}" (${endpoint.id}, ${target ?? ''}) was disabled: ${reason}.`, '',
        'No notifications go to it until it is enabled again (POST /v1/notifications/endpoints/{id}/enable);',
        'its delivery log shows each attempt (GET /v1/notifications/endpoints/{id}/deliveries).'].join('\n'),
    });
  } catch (err) {
    ctx.log.error('telling the owners about a disabled endpoint failed', { endpointId: endpoint.id, err: String(err) });
  }
}
