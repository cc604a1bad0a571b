import { createRoute, z } from '@hono/zod-openapi';
import type { createApp } from '../../app.ts';
import { changeRole, createInvitation, listMembers, removeMember } from '../../services/members/members.ts';
import { errorResponses, readJsonBody, security } from '../openapi-common.ts';

const tags = ['Members'];
const Role = z.enum(['owner', 'admin', 'editor', 'viewer']);
const Member = z.object({ userId: z.string(), role: Role, email: z.string(), name: z.string(), createdAt: z.number() });
const UserParam = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) });

const list = createRoute({
  method: 'get', path: '/v1/members', tags, security, 'x-trawl-permission': 'members:read', summary: 'Members and their roles',
  responses: { 200: { description: 'Members', content: { 'application/json': { schema: z.object({ data: z.array(Member) }) } } }, ...errorResponses('FORBIDDEN') },
});
const patch = createRoute({
  method: 'patch', path: '/v1/members/{id}', tags, security, 'x-trawl-permission': 'members:write',
  summary: 'Change a member\'s role (never above your own; the last owner stays owner)',
  request: { params: UserParam, body: { content: { 'application/json': { schema: z.object({ role: Role }) } }, required: true } },
  responses: { 200: { description: 'The new role', content: { 'application/json': { schema: z.object({ userId: z.string(), role: Role }) } } }, ...errorResponses('NOT_FOUND', 'FORBIDDEN', 'CONFLICT', 'INVALID_REQUEST') },
});
const remove = createRoute({
  method: 'delete', path: '/v1/members/{id}', tags, security, 'x-trawl-permission': 'members:write',
  summary: 'Remove a member (or leave, with your own id); the last owner cannot leave',
  request: { params: UserParam },
  responses: { 204: { description: 'Removed' }, ...errorResponses('NOT_FOUND', 'FORBIDDEN', 'CONFLICT') },
});
const invite = createRoute({
  method: 'post', path: '/v1/invitations', tags, security, 'x-trawl-permission': 'members:write',
  summary: 'Invite by link: whoever signs in through it joins with the role',
  request: { body: { content: { 'application/json': { schema: z.object({ role: Role, expiresInHours: z.number().int().optional() }) } }, required: true } },
  responses: { 201: { description: 'The link (shown once)', content: { 'application/json': { schema: z.object({ id: z.string(), role: Role, link: z.string(), expiresAt: z.number() }) } } }, ...errorResponses('FORBIDDEN', 'INVALID_REQUEST') },
});

export function registerMemberRoutes(app: ReturnType<typeof createApp>) {
  app.openapi(list, async (c) => c.json(await listMembers(c.get('actor')), 200));
  app.openapi(patch, async (c) => c.json(await changeRole(c.get('actor'), c.req.valid('param').id, await readJsonBody(c, 'INVALID_REQUEST')), 200));
  app.openapi(remove, async (c) => {
    await removeMember(c.get('actor'), c.req.valid('param').id);
    return c.body(null, 204);
  });
  app.openapi(invite, async (c) => c.json(await createInvitation(c.get('actor'), await readJsonBody(c, 'INVALID_REQUEST')), 201));
}
