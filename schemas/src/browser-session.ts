import { z } from 'zod';
import { EgressPolicy } from './policy.ts';

/** Why a browser session ended; `budget` and `idle` are the edge's limits, `node` a node or browser that went away. */
export const SessionEndReason = z.enum(['client', 'deleted', 'budget', 'idle', 'node']);
export type SessionEndReason = z.infer<typeof SessionEndReason>;

/** Session limits a program may ask for on /v1/browser (query parameters), within the edge's caps. */
export const SESSION_LIMITS = {
  budgetMs: { default: 5 * 60_000, min: 1000, max: 60 * 60_000 },
  idleMs: { default: 60_000, min: 1000, max: 10 * 60_000 },
} as const;

/** An interactive browser an organization holds on a fleet node (§4 remote browsers), with its cost. */
export const BrowserSession = z.object({
  id: z.string(),
  status: z.enum(['active', 'ended']),
  nodeId: z.string().nullable(),
  /** Who opened it (`key:<id>` or `user:<id>`). */
  createdBy: z.string(),
  budgetMs: z.number().int(),
  idleMs: z.number().int(),
  startedAt: z.number().int(),
  endedAt: z.number().int().nullable(),
  endReason: SessionEndReason.nullable(),
  /** Browser time counted so far (the cost): from the browser's start to the session's end, or to now while active. */
  browserMs: z.number().int(),
});
export type BrowserSession = z.infer<typeof BrowserSession>;

/** The edge asks a node for a session: a browser of its own under the organization's egress policy. */
export const SessionOpen = z.object({
  sessionId: z.string().min(1).max(64),
  orgId: z.string().min(1).max(64),
  policy: EgressPolicy,
  /** The node ends the session at this time even if the edge never says so (the edge's own limit comes first). */
  deadline: z.number().int(),
  /** `cdp`: raw (filtered) CDP for programs; `view`: the JSON view protocol for people in the app (ADR 0043). */
  mode: z.enum(['cdp', 'view']).default('cdp'),
});
export type SessionOpen = z.infer<typeof SessionOpen>;
export type SessionOpenInput = z.input<typeof SessionOpen>;

/** The node's answer: the one-time secret that opens the session's CDP WebSocket, once. */
export const SessionOpened = z.object({ sessionId: z.string(), nodeId: z.string(), secret: z.string().min(32) });
export type SessionOpened = z.infer<typeof SessionOpened>;
