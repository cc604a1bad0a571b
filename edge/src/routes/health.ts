import { createRoute, z } from '@hono/zod-openapi';
import type { createApp } from '../app.ts';
import { fleetSummary } from '../services/fleet/nodes.ts';

export const VERSION = '0.1.0';

const Health = z.object({ ok: z.boolean(), version: z.string(), fleet: z.object({ nodes: z.number(), freeSlots: z.number() }) });

const health = createRoute({
  method: 'get', path: '/health', tags: ['System'], summary: 'Liveness, version and fleet capacity',
  responses: { 200: { description: 'Healthy', content: { 'application/json': { schema: Health } } } },
});

export function registerHealthRoute(app: ReturnType<typeof createApp>) {
  app.openapi(health, async (c) => c.json({ ok: true, version: VERSION, fleet: await fleetSummary(c.get('services')) }, 200));
}
