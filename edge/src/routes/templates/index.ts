import { createRoute, z } from '@hono/zod-openapi';
import { Template, TemplateInput } from '@trawl/schemas';
import type { createApp } from '../../app.ts';
import { createTemplate, deleteTemplate, getTemplate, listTemplates } from '../../services/templates/templates.ts';
import { PageQuery } from '../../services/pagination.ts';
import { IdParam, errorResponses, readJsonBody, security } from '../openapi-common.ts';

const TemplateList = z.object({ data: z.array(Template), nextCursor: z.string().nullable() });
const tags = ['Templates'];

const create = createRoute({
  method: 'post', path: '/v1/templates', tags, security, 'x-trawl-permission': 'jobs:write', summary: 'Save a job spec as an organization template',
  description: 'Send `{ name, description?, spec }`. The spec is checked exactly as a job\'s: 400 INVALID_SPEC lists every problem with its path (`spec.fields.price.process.0.op`).',
  request: { body: { content: { 'application/json': { schema: TemplateInput } }, required: true } },
  responses: { 201: { description: 'The template', content: { 'application/json': { schema: Template } } }, ...errorResponses('INVALID_SPEC', 'FORBIDDEN') },
});
const list = createRoute({
  method: 'get', path: '/v1/templates', tags, security, 'x-trawl-permission': 'jobs:read',
  summary: 'List templates: the built-in gallery, then the organization\'s own (newest first), paginated by cursor',
  request: { query: PageQuery },
  responses: { 200: { description: 'A page of templates', content: { 'application/json': { schema: TemplateList } } }, ...errorResponses('INVALID_REQUEST') },
});
const get = createRoute({
  method: 'get', path: '/v1/templates/{id}', tags, security, 'x-trawl-permission': 'jobs:read', summary: 'Get a template (built-in or the organization\'s)',
  request: { params: IdParam('tpl') },
  responses: { 200: { description: 'The template', content: { 'application/json': { schema: Template } } }, ...errorResponses('NOT_FOUND') },
});
const remove = createRoute({
  method: 'delete', path: '/v1/templates/{id}', tags, security, 'x-trawl-permission': 'jobs:write',
  summary: 'Delete an organization template (built-in ones answer 409 BUILT_IN_TEMPLATE)',
  request: { params: IdParam('tpl') },
  responses: { 204: { description: 'Deleted' }, ...errorResponses('NOT_FOUND', 'FORBIDDEN', 'BUILT_IN_TEMPLATE') },
});

export function registerTemplateRoutes(app: ReturnType<typeof createApp>) {
  app.openapi(create, async (c) => c.json(await createTemplate(c.get('actor'), await readJsonBody(c)), 201));
  app.openapi(list, async (c) => c.json(await listTemplates(c.get('actor'), c.req.valid('query')), 200));
  app.openapi(get, async (c) => c.json(await getTemplate(c.get('actor'), c.req.valid('param').id), 200));
  app.openapi(remove, async (c) => {
    await deleteTemplate(c.get('actor'), c.req.valid('param').id);
    return c.body(null, 204);
  });
}
