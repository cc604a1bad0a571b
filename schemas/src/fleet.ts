import { z } from 'zod';

/** A fleet node's periodic report to the edge: where to reach it and how much room it has. */
export const NodeHeartbeat = z.object({
  nodeId: z.string().min(1).max(100),
  url: z.url(),
  slots: z.number().int().min(0),
  free: z.number().int().min(0),
  inFlight: z.number().int().min(0),
  draining: z.boolean(),
  version: z.string().max(50),
});
export type NodeHeartbeat = z.infer<typeof NodeHeartbeat>;

export const NodeHealth = NodeHeartbeat.extend({
  ok: z.boolean(),
  browsers: z.number().int(),
  contexts: z.number().int(),
  rssBytes: z.number().int(),
  uptimeMs: z.number().int(),
  /** Chromium's sandbox (null: browsers behind a remote CDP endpoint, not started by this node). */
  sandbox: z.boolean().nullable(),
  /** The system user the browsers run as (null: the node's own user). */
  chromiumUser: z.string().nullable(),
  warnings: z.array(z.string()),
  /** Live views of tasks being screencast now (issue #13 §2): zero when nobody watches. */
  screencasts: z.number().int(),
  /** Browser sessions held now (ADR 0039). */
  sessions: z.number().int(),
});
export type NodeHealth = z.infer<typeof NodeHealth>;
