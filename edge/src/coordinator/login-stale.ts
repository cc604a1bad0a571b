import { STALE_LOGIN_CODES, type Failure, type JobSpec, type StaleLoginCode } from '@trawl/schemas';
import type { StaleReport } from '../services/logins/stale.ts';
import type { RunMeta } from './store.ts';

/** Failures that say the job's stored login no longer opens the site (issue #13 §3, ADR 0044, ADR 0054). */
const STALE = new Set<Failure['code']>(STALE_LOGIN_CODES);
const isStaleCode = (code: Failure['code']): code is StaleLoginCode => STALE.has(code);

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

/** What the run tells about its stale login (after loginGoneStale said so: the job has a login, the code is one of STALE). */
export function staleReportOf(meta: Pick<RunMeta, 'orgId' | 'jobId' | 'runId' | 'spec' | 'edgeUrl'>, failure: Pick<Failure, 'code'>, url: string): StaleReport {
  if (!meta.spec.login || !isStaleCode(failure.code)) throw new Error(`not a stale login: ${failure.code}`);
  return { orgId: meta.orgId, jobId: meta.jobId, runId: meta.runId, loginId: meta.spec.login.id, code: failure.code, url, edgeUrl: meta.edgeUrl };
}
