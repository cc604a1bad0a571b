import { z } from 'zod';
import { Rule } from './rules.ts';

/** Playwright's storageState: cookies and per-origin localStorage. Kept loose: it is Playwright's format, not ours. */
export const StorageState = z.object({
  cookies: z.array(z.record(z.string(), z.unknown())).max(2000),
  origins: z.array(z.record(z.string(), z.unknown())).max(200).default([]),
});
export type StorageState = z.infer<typeof StorageState>;

export const Credential = z.object({ username: z.string().min(1).max(500), password: z.string().min(1).max(500) }).strict();
export type Credential = z.infer<typeof Credential>;

/**
 * How to log in: open `url`, run `steps` (rule DSL; "{{username}}" and "{{password}}" in fill values are replaced
 * from the stored credential), then the session is saved as the login's new storageState.
 */
export const LoginFlow = z.object({
  url: z.url({ protocol: /^https?$/ }),
  steps: z.array(Rule).min(1, 'give at least one step').max(30),
  /** Logged in once the URL contains this (after the steps). */
  successUrlContains: z.string().min(1).max(500).optional(),
}).strict();
export type LoginFlow = z.infer<typeof LoginFlow>;

/** POST /v1/logins: a stored session, a credential with its login flow, or both. Secrets are write-only. */
export const LoginInput = z.object({
  name: z.string().trim().min(1).max(200),
  storageState: StorageState.optional(),
  credential: Credential.optional(),
  flow: LoginFlow.optional(),
}).strict().refine((l) => !l.credential || l.flow, { message: 'a credential needs a flow that uses it', path: ['flow'] })
  .refine((l) => l.storageState || l.credential, { message: 'give a storageState, a credential, or both', path: ['storageState'] });
export type LoginInput = z.infer<typeof LoginInput>;

/** A stored login as the API shows it: never its secrets. */
/** The failure codes that tell a stored login went stale: the site's session ended, or it asks to sign in again. */
export const STALE_LOGIN_CODES = ['SESSION_EXPIRED', 'LOGIN_REQUIRED'] as const;
export type StaleLoginCode = (typeof STALE_LOGIN_CODES)[number];

export const LoginStale = z.object({
  /** When the first run that failed this way found it (ms). */
  at: z.number().int(),
  reason: z.enum(STALE_LOGIN_CODES),
  runId: z.string(),
});
export type LoginStale = z.infer<typeof LoginStale>;

export const Login = z.object({
  id: z.string(),
  name: z.string(),
  hasStorageState: z.boolean(),
  hasCredential: z.boolean(),
  flow: LoginFlow.nullable(),
  stateSavedAt: z.number().int().nullable(),
  /** Set when a run found the stored session no longer opens the site (ADR 0054); cleared when it is saved again. */
  stale: LoginStale.nullable(),
  createdAt: z.number().int(),
});
export type Login = z.infer<typeof Login>;

/** What a fleet node holding a task's lease gets for the job's login (over a signed internal call, never queued). */
export const TaskLogin = z.object({
  storageState: StorageState.nullable(),
  credential: Credential.nullable(),
  flow: LoginFlow.nullable(),
});
export type TaskLogin = z.infer<typeof TaskLogin>;

export const SaveLoginState = z.object({ leaseToken: z.string(), storageState: StorageState });
