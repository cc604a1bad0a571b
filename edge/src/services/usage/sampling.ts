import { artifactsForAttempt, type ArtifactKind, type ArtifactsSpec } from '@trawl/schemas';

export type SkipCounts = Record<ArtifactKind, number>;

/**
 * What one attempt did not keep because the job samples it (ADR 0055): a kind counts when the job records it at all
 * but this attempt's mode dropped it (trace `on-retry` off on a first attempt of a retrying job; `on-failure` on an
 * attempt that succeeded). `off` and `always` are not sampling; a failed upload is not a skip.
 */
export function skippedBySampling(spec: ArtifactsSpec, attempt: number, maxAttempts: number, outcome: 'succeeded' | 'failed'): SkipCounts {
  const mode = artifactsForAttempt(spec, attempt, maxAttempts);
  const failed = outcome === 'failed';
  return {
    trace: spec.trace !== 'off' && spec.trace !== 'always' && (mode.trace === 'off' || !failed) ? 1 : 0,
    har: spec.har === 'on-failure' && !failed ? 1 : 0,
    screenshot: spec.screenshots === 'on-failure' && !failed ? 1 : 0,
  };
}
