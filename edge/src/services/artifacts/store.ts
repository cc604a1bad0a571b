import { eq } from 'drizzle-orm';
import { artifacts, runs } from '@trawl/db';
import { artifactKindOf, randomString } from '@trawl/schemas';
import { ApiError } from '../../lib/errors.ts';
import { artifactKey } from '../../lib/storage-keys.ts';
import type { ServiceContext } from '../context.ts';

/** Above this a single upload is refused; a trace of one page is a few hundred KiB. */
export const MAX_ARTIFACT_BYTES = 50 * 1024 * 1024;

export interface ArtifactUpload {
  runId: string;
  taskId: string;
  attempt: number;
  name: string;
  leaseToken: string;
  contentType: string;
  bytes: Uint8Array;
}

/**
 * Stores one artifact a fleet node recorded (the request is already signed): only while the node still holds
 * the task's lease, under the run's organization, with a D1 row that listing, reports and cleanup use.
 * A repeated upload of the same file replaces it (same key, same row).
 */
export async function storeArtifact(ctx: ServiceContext, up: ArtifactUpload): Promise<{ id: string; bytes: number }> {
  const kind = artifactKindOf(up.name);
  if (!kind) throw new ApiError('INVALID_REQUEST', `"${up.name}" is not an artifact name`, { issues: [{ path: 'name', message: 'trace.zip, network.har.gz or step-<n>-<step>.png' }] });
  if (up.bytes.byteLength > MAX_ARTIFACT_BYTES) throw new ApiError('INVALID_REQUEST', `artifact larger than ${MAX_ARTIFACT_BYTES} bytes`);
  const [run] = await ctx.db.select({ orgId: runs.orgId, jobId: runs.jobId }).from(runs).where(eq(runs.id, up.runId)).limit(1);
  if (!run) throw new ApiError('NOT_FOUND', `Run ${up.runId} was not found`);
  // The lease check renews the lease too: an upload is work on the task.
  const coordinator = ctx.env.RUN_COORDINATOR.get(ctx.env.RUN_COORDINATOR.idFromName(up.runId));
  const lease = await coordinator.taskHeartbeat(up.taskId, up.leaseToken);
  if (!lease.ok) throw new ApiError(lease.code, lease.code === 'LEASE_LOST' ? 'The lease is no longer current' : 'Unknown task');

  const key = artifactKey(kind, up.runId, up.taskId, up.attempt, up.name);
  const gzip = up.name.endsWith('.gz');
  const contentType = kind === 'trace' ? 'application/zip' : kind === 'har' ? 'application/json' : 'image/png';
  // Measured here, not taken from the node: what compression saves is a figure the usage report shows (ADR 0055).
  const uncompressed = gzip ? await gunzippedSize(up.bytes) : up.bytes.byteLength;
  await ctx.env.BUCKET.put(key, up.bytes, {
    httpMetadata: { contentType },
    customMetadata: { orgId: run.orgId, runId: up.runId, taskId: up.taskId, attempt: String(up.attempt), kind, ...(gzip ? { encoding: 'gzip' } : {}) },
  });
  const now = Date.now();
  const id = `art_${now.toString(36).padStart(9, '0')}${randomString(12)}`;
  const [row] = await ctx.db.insert(artifacts).values({
    id, orgId: run.orgId, runId: up.runId, jobId: run.jobId, taskId: up.taskId, attempt: up.attempt, kind, name: up.name,
    r2Key: key, bytes: up.bytes.byteLength, contentType, encoding: gzip ? 'gzip' : null, uncompressedBytes: uncompressed, createdAt: now,
  }).onConflictDoUpdate({ target: artifacts.r2Key, set: { bytes: up.bytes.byteLength, uncompressedBytes: uncompressed, createdAt: now } }).returning({ id: artifacts.id });
  ctx.log.info('artifact stored', { runId: up.runId, taskId: up.taskId, orgId: run.orgId, kind, bytes: up.bytes.byteLength });
  return { id: row?.id ?? id, bytes: up.bytes.byteLength };
}

/** Counts the bytes a gzip upload inflates to, streaming (nothing kept); a corrupt file is refused. */
async function gunzippedSize(bytes: Uint8Array): Promise<number> {
  let n = 0;
  try {
    const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip')).getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) n += chunk.value.byteLength;
  } catch {
    throw new ApiError('INVALID_REQUEST', 'The .gz artifact is not valid gzip', { issues: [{ path: 'body', message: 'gzip data expected' }] });
  }
  return n;
}
