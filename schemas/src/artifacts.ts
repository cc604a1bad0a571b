import { z } from 'zod';

/**
 * What a task records for later explanation. Traces and HAR: never, only when the task failed, or always.
 * Traces also `on-retry` (the default): recorded on the attempts after a failure and kept when that attempt fails
 * too, like Playwright's `on-first-retry`; a job that never retries (maxAttempts 1) records every attempt. Every
 * error code whose explanation needs a trace (ERRORS[code].look) is retryable, so a task failing for one of them
 * ends with a traced attempt; a trace of every first attempt ('on-failure') costs ~20% of a task's time.
 * Screenshots: none, the last page, one per step, or the last page only when the task failed.
 */
export const ArtifactsSpec = z.object({
  trace: z.enum(['off', 'on-retry', 'on-failure', 'always']).default('on-retry'),
  har: z.enum(['off', 'on-failure', 'always']).default('off'),
  screenshots: z.enum(['off', 'final', 'each-step', 'on-failure']).default('on-failure'),
}).strict();
export type ArtifactsSpec = z.infer<typeof ArtifactsSpec>;
export const DEFAULT_ARTIFACTS: ArtifactsSpec = { trace: 'on-retry', har: 'off', screenshots: 'on-failure' };

/** What one attempt records: the coordinator resolves `on-retry` per attempt, so a node only sees the other modes. */
export function artifactsForAttempt(spec: ArtifactsSpec, attempt: number, maxAttempts: number): ArtifactsSpec {
  if (spec.trace !== 'on-retry') return spec;
  return { ...spec, trace: attempt > 1 || maxAttempts <= 1 ? 'on-failure' : 'off' };
}

export const ARTIFACT_KINDS = ['trace', 'har', 'screenshot'] as const;
export const ArtifactKind = z.enum(ARTIFACT_KINDS);
export type ArtifactKind = z.infer<typeof ArtifactKind>;

/** A file name a node may upload: `trace.zip`, `network.har.gz`, `step-3-extract.png`. */
export const ARTIFACT_NAME = /^(trace\.zip|network\.har\.gz|step-\d{1,3}-[a-z-]{1,20}\.png)$/;

export function artifactKindOf(name: string): ArtifactKind | null {
  if (!ARTIFACT_NAME.test(name)) return null;
  if (name === 'trace.zip') return 'trace';
  if (name === 'network.har.gz') return 'har';
  return 'screenshot';
}

/** An artifact as the task result references it (the edge stored it before the result was posted). */
export const ArtifactRef = z.object({
  id: z.string(),
  kind: ArtifactKind,
  name: z.string(),
  bytes: z.number().int().nonnegative(),
});
export type ArtifactRef = z.infer<typeof ArtifactRef>;

/** An artifact as the API lists it. */
export const Artifact = ArtifactRef.extend({
  runId: z.string(),
  taskId: z.string(),
  attempt: z.number().int(),
  contentType: z.string(),
  createdAt: z.number().int(),
  expiresAt: z.number().int(),
  /** A signed, expiring link that needs no Authorization header. */
  url: z.string(),
  /** For traces: Trawl's own trace viewer opened on this trace. */
  viewerUrl: z.string().optional(),
});
export type Artifact = z.infer<typeof Artifact>;
