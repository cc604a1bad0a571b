import type { Failure, JobSpec } from '@trawl/schemas';

/** Failures that say the job's stored login no longer opens the site (issue #13 §3, ADR 0044). */
const STALE = new Set<Failure['code']>(['SESSION_EXPIRED', 'LOGIN_REQUIRED']);

/**
 * Whether a page that failed for good tells the job's owners that its stored login went stale: the job has a stored
 * login, the failure is one of STALE, and the run has not told them yet (once per run, kept in the run's SQLite so
 * an eviction does not repeat it). Records the telling when it answers true.
 */
export function loginGoneStale(sql: SqlStorage, spec: JobSpec, failure: Pick<Failure, 'code'>): boolean {
  if (!spec.login || !STALE.has(failure.code)) return false;
  sql.exec('CREATE TABLE IF NOT EXISTS login_stale (k INTEGER PRIMARY KEY)');
  if (sql.exec('SELECT 1 FROM login_stale').toArray().length > 0) return false;
  sql.exec('INSERT INTO login_stale (k) VALUES (1)');
  return true;
}
