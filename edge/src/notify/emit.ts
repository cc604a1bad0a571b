/**
 * The one function every notification goes through (issue #14). This is the shared seam's stub: the `notify`
 * helper's implementation replaces it at merge; callers stay as they are.
 */
import type { Env } from '../env.ts';

export type NotificationEvent = 'run.finished' | 'run.failed' | 'run.warnings' | 'changes.found' | 'drift.detected' | 'freshness.missed' | 'login.stale';

export async function emitNotification(env: Env, n: { orgId: string; jobId: string; event: NotificationEvent; runId?: string; data: Record<string, unknown> }): Promise<void> {
  void env;
  void n;
}
