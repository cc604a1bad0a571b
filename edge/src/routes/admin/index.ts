import { Hono } from 'hono';
import { z } from 'zod';
import { issuesOf, timingSafeEqual } from '@trawl/schemas';
import type { AppEnv } from '../../app.ts';
import { configOf } from '../../env.ts';
import { ApiError } from '../../lib/errors.ts';
import { addMember, createOrgKey, createOrgWithOwner } from '../../services/orgs/create-org.ts';
import { rotateLoginKeys } from '../../services/logins/logins.ts';
import { rotateProxyKeys } from '../../services/proxies/proxies.ts';
import { describeSite, restartSiteLimiter, setSiteLimits } from '../../services/policy/site-limits.ts';

/**
 * Operator provisioning, enabled only when the ADMIN_TOKEN secret is set (dev and tests set it;
 * production normally does not). Without it these routes do not exist (404).
 */
export const adminRoutes = new Hono<AppEnv>();

adminRoutes.use('*', async (c, next) => {
  const token = configOf(c.env).adminToken;
  if (!token) throw new ApiError('NOT_FOUND', `No route ${c.req.method} ${new URL(c.req.url).pathname}`);
  const presented = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? '';
  if (!timingSafeEqual(presented, token)) throw new ApiError('UNAUTHORIZED', 'Admin routes need "Authorization: Bearer <ADMIN_TOKEN>"');
  await next();
});

const CreateOrg = z.object({
  name: z.string().trim().min(1).max(200),
  ownerEmail: z.email(),
  ownerName: z.string().trim().min(1).max(200),
}).strict();

const CreateKey = z.object({
  name: z.string().trim().min(1).max(200),
  role: z.enum(['owner', 'admin', 'editor', 'viewer']),
  scopes: z.array(z.string().min(1).max(50)).max(20).default(['*']),
  /** Provisioning may set any expiry, including one in the past (used to test expired keys). */
  expiresAt: z.number().int().optional(),
}).strict();

async function body<T extends z.ZodType>(req: Request, schema: T): Promise<z.infer<T>> {
  const parsed = schema.safeParse(await req.json().catch(() => undefined));
  if (!parsed.success) throw new ApiError('INVALID_REQUEST', 'Invalid request body', { issues: issuesOf(parsed.error) });
  return parsed.data;
}

adminRoutes.post('/orgs', async (c) => c.json(await createOrgWithOwner(c.get('services'), await body(c.req.raw, CreateOrg)), 201));

adminRoutes.post('/orgs/:orgId/keys', async (c) => {
  const input = await body(c.req.raw, CreateKey);
  return c.json(await createOrgKey(c.get('services'), c.req.param('orgId'), input.name, input.role, input.scopes, input.expiresAt), 201);
});

const CreateMember = z.object({ email: z.email(), name: z.string().trim().min(1).max(200), role: z.enum(['owner', 'admin', 'editor', 'viewer']) }).strict();

/** Provisioning a member directly (seeding, migrations from another system, tests); people normally join by invitation. */
adminRoutes.post('/orgs/:orgId/members', async (c) => {
  const input = await body(c.req.raw, CreateMember);
  return c.json(await addMember(c.get('services'), c.req.param('orgId'), input.email, input.name, input.role), 201);
});

/** Step two of a key rotation: seal every stored login again with the current CREDENTIALS_KEY. */
adminRoutes.post('/credentials/rotate', async (c) => {
  const [logins, proxies] = [await rotateLoginKeys(c.get('services')), await rotateProxyKeys(c.get('services'))];
  return c.json({ resealed: logins.resealed + proxies.resealed });
});

/** A site's shared politeness limits (ADR 0025): what it holds now, the operator's own limits for it, a restart. */
adminRoutes.get('/sites/:host', async (c) => c.json(await describeSite(c.get('services'), c.req.param('host'))));
adminRoutes.put('/sites/:host', async (c) => c.json(await setSiteLimits(c.get('services'), c.req.param('host'), await c.req.json().catch(() => undefined))));
adminRoutes.post('/sites/:host/restart', async (c) => c.json(await restartSiteLimiter(c.get('services'), c.req.param('host'))));
