import type { Env } from '../env.ts';

export type NotificationEvent = 'run.finished' | 'run.failed' | 'run.warnings' | 'changes.found' | 'drift.detected' | 'freshness.missed' | 'login.stale';

/**
 * The one function that emits every notification (issue #14). A no-op stub on this branch: the `notify` helper's
 * version replaces it at merge (BRIEF-COMMON's notifications seam).
 */
export async function emitNotification(env: Env, n: { orgId: string; jobId: string; event: NotificationEvent; runId?: string; data: Record<string, unknown> }): Promise<void> {
  void env;
  void n;
}
