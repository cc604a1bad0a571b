import { and, desc, eq, lt } from 'drizzle-orm';
import { templates } from '@trawl/db';
import { BUILT_IN_TEMPLATES, TemplateInput, isBuiltInTemplateId, issuesOf, newId, type Template } from '@trawl/schemas';
import { ApiError, invalid, notFound } from '../../lib/errors.ts';
import type { ActorContext } from '../context.ts';
import { authorize } from '../permissions.ts';
import { pageOf, type Page, type PageQuery } from '../pagination.ts';
import { auditStatement } from '../audit/audit.ts';

type TemplateRow = typeof templates.$inferSelect;

const toTemplate = (r: TemplateRow): Template => ({ id: r.id, name: r.name, description: r.description, builtIn: false, spec: r.spec, createdAt: r.createdAt });

/**
 * Saves a template. The spec is checked by the same schema as a job's (INVALID_SPEC, every problem with its
 * `spec.…` path); the URL policy is not applied here, because a template never runs: the job made from it is
 * checked when it is saved, against the policy in force then.
 */
export async function createTemplate(ctx: ActorContext, body: unknown): Promise<Template> {
  authorize(ctx, 'jobs:write');
  const parsed = TemplateInput.safeParse(body);
  if (!parsed.success) throw invalid('INVALID_SPEC', 'The template is not valid', issuesOf(parsed.error));
  const now = Date.now();
  const row: TemplateRow = { id: newId('tpl', now), orgId: ctx.actor.orgId, ...parsed.data, createdAt: now };
  await ctx.db.batch([ctx.db.insert(templates).values(row), auditStatement(ctx, 'template.create', row.id, { name: row.name })]);
  return toTemplate(row);
}

/**
 * The built-in gallery first (in its order), then the organization's templates newest first. The cursor is the last
 * id given: a built-in id continues in the gallery, a saved one (`tpl_…`, time-sortable) continues below it.
 */
export async function listTemplates(ctx: ActorContext, q: PageQuery): Promise<Page<Template>> {
  authorize(ctx, 'jobs:read');
  const at = q.cursor ? BUILT_IN_TEMPLATES.findIndex((t) => t.id === q.cursor) : -1;
  const builtIns = q.cursor === undefined ? BUILT_IN_TEMPLATES : at === -1 ? [] : BUILT_IN_TEMPLATES.slice(at + 1);
  const page = builtIns.slice(0, q.limit + 1);
  const wanted = q.limit + 1 - page.length;
  const below = q.cursor !== undefined && at === -1 ? lt(templates.id, q.cursor) : undefined;
  const rows = wanted === 0 ? [] : await ctx.db.select().from(templates)
    .where(and(eq(templates.orgId, ctx.actor.orgId), below)).orderBy(desc(templates.id)).limit(wanted);
  return pageOf([...page, ...rows.map(toTemplate)], q.limit);
}

async function getTemplateRow(ctx: ActorContext, id: string): Promise<TemplateRow> {
  const [row] = await ctx.db.select().from(templates).where(and(eq(templates.id, id), eq(templates.orgId, ctx.actor.orgId))).limit(1);
  if (!row) throw notFound('Template', id);
  return row;
}

export async function getTemplate(ctx: ActorContext, id: string): Promise<Template> {
  authorize(ctx, 'jobs:read');
  return BUILT_IN_TEMPLATES.find((t) => t.id === id) ?? toTemplate(await getTemplateRow(ctx, id));
}

export async function deleteTemplate(ctx: ActorContext, id: string): Promise<void> {
  authorize(ctx, 'jobs:write');
  if (isBuiltInTemplateId(id)) throw new ApiError('BUILT_IN_TEMPLATE', `Template ${id} is built in and cannot be deleted`, { id });
  await getTemplateRow(ctx, id);
  await ctx.db.batch([
    ctx.db.delete(templates).where(and(eq(templates.id, id), eq(templates.orgId, ctx.actor.orgId))),
    auditStatement(ctx, 'template.delete', id),
  ]);
}
