import type { Env } from '../env.ts';

export type NotificationEvent = 'run.finished' | 'run.failed' | 'run.warnings' | 'changes.found' | 'drift.detected' | 'freshness.missed' | 'login.stale';

/**
 * The one function every notification goes through. A no-op stub on this branch: the notify helper's version
 * (channels, delivery) replaces it at merge; callers only depend on this signature.
 */
export async function emitNotification(
  _env: Env,
  _n: { orgId: string; jobId: string; event: NotificationEvent; runId?: string; data: Record<string, unknown> },
): Promise<void> {
  // Intentionally empty until the notify module lands.
}
