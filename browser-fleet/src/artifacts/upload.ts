import { LEASE_HEADER, edgeInternalPaths, type ArtifactRef, type Task } from '@trawl/schemas';
import type { EdgeClient } from '../edge-client.ts';
import type { Logger } from '../log.ts';
import type { RecordedFile } from './recorder.ts';

/** An upload of a few MiB over a slow link still fits; a stuck one must not hold the result back for long. */
const UPLOAD_TIMEOUT_MS = 60_000;

export type UploadOutcome = { refs: ArtifactRef[]; leaseLost: boolean };

/**
 * Stores each file at the edge (signed PUT, lease token in a header) before the result is posted, so the
 * result can name them. A file that fails to upload is logged and skipped: artifacts explain a task, they
 * never change its outcome. A 409/404 means the lease is gone, and nothing more is sent.
 */
export async function uploadArtifacts(edge: EdgeClient, task: Task, files: RecordedFile[], log: Logger): Promise<UploadOutcome> {
  const refs: ArtifactRef[] = [];
  for (const f of files) {
    const path = edgeInternalPaths.taskArtifact(task.runId, task.taskId, task.attempt, f.name);
    const headers = { 'content-type': f.contentType, [LEASE_HEADER]: task.leaseToken, ...(task.traceparent ? { traceparent: task.traceparent } : {}) };
    const answer = await edge.send('PUT', task.edgeUrl, path, f.bytes, headers, UPLOAD_TIMEOUT_MS);
    if (answer.kind === 'gone') return { refs, leaseLost: true };
    if (answer.kind !== 'ok') {
      log.warn('artifact upload failed', { name: f.name, bytes: f.bytes.byteLength, answer: answer.kind });
      continue;
    }
    const id = (answer.body as { id?: unknown } | null)?.id;
    refs.push({ id: typeof id === 'string' ? id : '', kind: f.kind, name: f.name, bytes: f.bytes.byteLength });
  }
  return { refs, leaseLost: false };
}
