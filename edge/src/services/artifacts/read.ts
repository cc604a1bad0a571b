import { and, asc, eq, sql } from 'drizzle-orm';
import { artifacts, orgSettings, DEFAULT_ARTIFACT_TTL_DAYS } from '@trawl/db';
import type { Artifact } from '@trawl/schemas';
import { configOf } from '../../env.ts';
import { ApiError, notFound } from '../../lib/errors.ts';
import type { ActorContext, ServiceContext } from '../context.ts';
import { authorize } from '../permissions.ts';
import { getRunRow } from '../runs/runs.ts';
import { signedArtifactUrl, verifyArtifactLink, viewerUrl } from './links.ts';

type Row = typeof artifacts.$inferSelect;
const DAY_MS = 86_400_000;

export async function ttlDaysOf(ctx: ServiceContext, orgId: string): Promise<number> {
  const [s] = await ctx.db.select({ days: orgSettings.artifactTtlDays }).from(orgSettings).where(eq(orgSettings.orgId, orgId)).limit(1);
  return s?.days ?? DEFAULT_ARTIFACT_TTL_DAYS;
}

/** A run's artifacts, each with a signed link (and, for traces, the built-in viewer opened on it). */
export async function listArtifacts(ctx: ActorContext, runId: string): Promise<{ data: Artifact[] }> {
  authorize(ctx, 'runs:read');
  await getRunRow(ctx, runId);
  const rows = await ctx.db.select().from(artifacts)
    .where(and(eq(artifacts.runId, runId), eq(artifacts.orgId, ctx.actor.orgId)))
    .orderBy(asc(artifacts.taskId), asc(artifacts.attempt), asc(artifacts.name));
  const ttlMs = (await ttlDaysOf(ctx, ctx.actor.orgId)) * DAY_MS;
  const secret = configOf(ctx.env).fleetSecret;
  const data = await Promise.all(rows.map(async (r): Promise<Artifact> => {
    const url = await signedArtifactUrl(ctx.baseUrl, secret, r.id, downloadName(r));
    return {
      id: r.id, kind: r.kind, name: r.name, bytes: r.bytes, runId: r.runId, taskId: r.taskId, attempt: r.attempt,
      contentType: r.contentType, createdAt: r.createdAt, expiresAt: r.createdAt + ttlMs, url,
      ...(r.kind === 'trace' ? { viewerUrl: viewerUrl(ctx.baseUrl, url) } : {}),
    };
  }));
  return { data };
}

/** Download with an API key: the artifact must belong to the key's organization (another's is 404). */
export async function downloadArtifact(ctx: ActorContext, id: string): Promise<Response> {
  authorize(ctx, 'runs:read');
  const [row] = await ctx.db.select().from(artifacts).where(and(eq(artifacts.id, id), eq(artifacts.orgId, ctx.actor.orgId))).limit(1);
  if (!row) throw notFound('Artifact', id);
  return serve(ctx, row);
}

/** Download by signed link: no key, the signature names the artifact and the expiry. */
export async function downloadSignedArtifact(ctx: ServiceContext, id: string, exp: string | undefined, sig: string | undefined): Promise<Response> {
  const verdict = await verifyArtifactLink(configOf(ctx.env).fleetSecret, id, exp, sig);
  if (verdict === 'bad') throw new ApiError('UNAUTHORIZED', 'The link signature is missing or wrong');
  if (verdict === 'expired') throw new ApiError('UNAUTHORIZED', 'The link has expired; list the run\'s artifacts again for a fresh one');
  const [row] = await ctx.db.select().from(artifacts).where(eq(artifacts.id, id)).limit(1);
  if (!row) throw notFound('Artifact', id);
  return serve(ctx, row);
}

async function serve(ctx: ServiceContext, row: Row): Promise<Response> {
  const object = await ctx.env.BUCKET.get(row.r2Key);
  // Checked against the object too: a row and an object of different organizations would be a bug, never a leak.
  if (!object || object.customMetadata?.orgId !== row.orgId) throw notFound('Artifact', row.id);
  const body = row.encoding === 'gzip' ? object.body.pipeThrough(new DecompressionStream('gzip')) : object.body;
  return new Response(body, {
    headers: {
      'content-type': row.contentType,
      'content-disposition': `attachment; filename="${downloadName(row)}"`,
      'cache-control': 'private, max-age=300',
      ...(row.encoding ? {} : { 'content-length': String(object.size) }),
    },
  });
}

function downloadName(r: Pick<Row, 'taskId' | 'attempt' | 'name' | 'kind'>): string {
  const name = r.kind === 'har' ? 'network.har' : r.name;
  return `${r.taskId}-${r.attempt}-${name}`;
}

/** Bytes stored per organization and kind (for one organization, or all when orgId is null). */
export async function storageReport(ctx: ServiceContext, orgId: string | null) {
  const rows = await ctx.db.select({ orgId: artifacts.orgId, kind: artifacts.kind, objects: sql<number>`count(*)`, bytes: sql<number>`sum(${artifacts.bytes})` })
    .from(artifacts).where(orgId ? eq(artifacts.orgId, orgId) : undefined).groupBy(artifacts.orgId, artifacts.kind).orderBy(artifacts.orgId, artifacts.kind);
  return { data: rows.map((r) => ({ orgId: r.orgId, kind: r.kind, objects: Number(r.objects), bytes: Number(r.bytes) })), generatedAt: Date.now() };
}
