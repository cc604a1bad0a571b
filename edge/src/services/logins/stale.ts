import { and, desc, eq, inArray, isNull, or } from 'drizzle-orm';
import { apiKeys, auditLog, jobs, logins, members, users } from '@trawl/db';
import type { StaleLoginCode } from '@trawl/schemas';
import { configOf, type Env } from '../../env.ts';
import type { Logger } from '../../lib/log.ts';
import { emitNotification } from '../../notify/emit.ts';
import { sendEmail } from '../../notify/email.ts';
import { createDb, type Db } from '../context.ts';
import { staleLoginEmail } from './stale-mail.ts';

export interface StaleReport {
  orgId: string;
  jobId: string;
  runId: string;
  loginId: string;
  code: StaleLoginCode;
  /** The page that failed. */
  url: string;
  /** The edge the run was started on: the link's origin when PUBLIC_URL is not set. */
  edgeUrl: string;
}

/**
 * A run found the job's stored login stale (issue #13 §3, ADR 0054; the coordinator calls this once per run).
 * Subscribed endpoints get `login.stale` (ADR 0046) as before. The login remembers it, and only the run that
 * marked it (the update that found `stale_at` empty) e-mails the job's creator and the organization's owners and
 * admins, with a link to the hand-off screen: one e-mail per stale event, not one per failing run, until the
 * session is saved again. Never throws: a failed e-mail or update is logged, the run goes on.
 */
export async function reportStaleLogin(env: Env, log: Logger, r: StaleReport): Promise<void> {
  // The mark and the e-mail come first and the webhook last, so a receiver that got this run's `login.stale` knows
  // the e-mail step is over (the test relies on it to show a second failing run sends no second e-mail).
  await markAndTell(env, log, r);
  try {
    await emitNotification(env, { orgId: r.orgId, jobId: r.jobId, event: 'login.stale', runId: r.runId, data: { loginId: r.loginId, code: r.code, url: r.url } });
  } catch (err) {
    log.error('login.stale notification failed', { err: String(err) });
  }
}

async function markAndTell(env: Env, log: Logger, r: StaleReport): Promise<void> {
  try {
    const db = createDb(env);
    const now = Date.now();
    const [marked] = await db.update(logins).set({ staleAt: now, staleReason: r.code, staleRunId: r.runId, updatedAt: now })
      .where(and(eq(logins.id, r.loginId), eq(logins.orgId, r.orgId), isNull(logins.staleAt))).returning({ name: logins.name });
    if (!marked) return;
    const to = await ownersOf(db, r.orgId, r.jobId);
    log.warn('stored login went stale', { loginId: r.loginId, runId: r.runId, code: r.code, recipients: to.length });
    if (!to.length) return;
    const [job] = await db.select({ name: jobs.name }).from(jobs).where(eq(jobs.id, r.jobId)).limit(1);
    const base = configOf(env).publicUrl ?? r.edgeUrl;
    await sendEmail(env, { to, ...staleLoginEmail({ ...r, loginName: marked.name, jobName: job?.name ?? r.jobId, base }) });
  } catch (err) {
    log.error('telling the owners about a stale login failed', { loginId: r.loginId, err: String(err) });
  }
}

/** Whom a stale login is told to: the job's creator if still a member (from the audit log), and the owners and admins. */
async function ownersOf(db: Db, orgId: string, jobId: string): Promise<string[]> {
  const [created] = await db.select({ actor: auditLog.actor }).from(auditLog)
    .where(and(eq(auditLog.orgId, orgId), eq(auditLog.action, 'job.create'), eq(auditLog.target, jobId))).orderBy(desc(auditLog.id)).limit(1);
  let creator: string | null = created?.actor.startsWith('user:') ? created.actor.slice(5) : null;
  if (created?.actor.startsWith('key:')) {
    const [key] = await db.select({ by: apiKeys.createdBy }).from(apiKeys).where(eq(apiKeys.id, created.actor.slice(4))).limit(1);
    creator = key?.by ?? null;
  }
  const rows = await db.select({ email: users.email }).from(members).innerJoin(users, eq(users.id, members.userId))
    .where(and(eq(members.orgId, orgId), or(inArray(members.role, ['owner', 'admin']), creator ? eq(members.userId, creator) : undefined)));
  return [...new Set(rows.map((x) => x.email))].sort();
}
