import type { Env } from '../env.ts';
import { notifyConfigOf } from './config.ts';

export interface OutgoingEmail { to: string | string[]; subject: string; text: string }

/**
 * Sends one e-mail through the SMTP server in SMTP_URL (ADR 0046): worker-mailer speaks SMTP over the Workers
 * socket API (`cloudflare:sockets`), so the same code path serves production (a provider's SMTP relay, TLS or
 * STARTTLS with credentials) and the local stack (the tests' own SMTP server). Throws when nothing is configured.
 */
export async function sendEmail(env: Env, mail: OutgoingEmail): Promise<void> {
  const cfg = notifyConfigOf(env);
  if (!cfg.smtpUrl) throw new Error('e-mail is not configured on this deployment (SMTP_URL)');
  const u = new URL(cfg.smtpUrl);
  const secure = u.protocol === 'smtps:';
  // Imported here, not at the top: `cloudflare:sockets` exists only in workerd, and unit tests import this module's neighbours.
  const { WorkerMailer } = await import('worker-mailer');
  await WorkerMailer.send({
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    startTls: !secure,
    ...(u.username ? { credentials: { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) } } : {}),
    socketTimeoutMs: cfg.timeoutMs,
    responseTimeoutMs: cfg.timeoutMs,
  }, { from: cfg.emailFrom, to: mail.to, subject: mail.subject, text: mail.text });
}

const TITLES: Record<string, string> = {
  'run.finished': 'Run finished',
  'run.failed': 'Run failed',
  'run.warnings': 'Run finished with warnings',
  'changes.found': 'Changes found',
  'drift.detected': 'Drift detected',
  'freshness.missed': 'Freshness missed',
  'login.stale': 'Login is stale',
};

/** The e-mail form of a notification: `Trawl: <what happened> - <job name>`, the payload's data as the body. */
export function notificationEmail(payload: { type: string; timestamp: string; data: Record<string, unknown> }): { subject: string; text: string } {
  const jobName = typeof payload.data.jobName === 'string' ? payload.data.jobName : String(payload.data.jobId ?? '');
  const subject = `Trawl: ${TITLES[payload.type] ?? payload.type} - ${jobName}`;
  const lines = Object.entries(payload.data).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return { subject, text: [`${TITLES[payload.type] ?? payload.type} at ${payload.timestamp}.`, '', ...lines].join('\n') };
}
