import type { createApp } from '../../app.ts';
import { registerDeliveryRoutes } from './deliveries.ts';
import { registerEndpointRoutes } from './endpoints.ts';

/** Notifications (ADR 0046): endpoints, per-job subscriptions, delivery logs and redelivery. */
export function registerNotificationRoutes(app: ReturnType<typeof createApp>) {
  registerEndpointRoutes(app);
  registerDeliveryRoutes(app);
}
