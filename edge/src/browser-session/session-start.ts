/** How the services open a BrowserSession: the start travels as a header on the WebSocket upgrade. */
import type { EgressPolicy } from '@trawl/schemas';
import type { Actor } from '../services/context.ts';

/** What the Worker hands the object with an authorised /v1/browser upgrade (the object is reachable only from the Worker). */
export interface SessionStart {
  sessionId: string;
  actor: Actor;
  client: { ip: string | null; userAgent: string | null } | null;
  requestId: string;
  budgetMs: number;
  idleMs: number;
  policy: EgressPolicy;
  /** `view`: the app's JSON view protocol (ADR 0043) instead of raw CDP. */
  mode?: 'cdp' | 'view';
  /** A login hand-off (ADR 0044): the view opens at `url`; the state the node hands over is sealed into the login. */
  handoff?: { loginId: string; url: string };
}
export const SESSION_START_HEADER = 'x-trawl-session-start';
