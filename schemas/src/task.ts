import { z } from 'zod';
import { Failure } from './errors.ts';
import { TaskSpec } from './job-spec.ts';
import { ItemData } from './item.ts';
import { ArtifactRef } from './artifacts.ts';
import { BlockedRequest, EgressPolicy } from './policy.ts';
import { RunEventInput } from './events.ts';
import { UnparsedValues } from './process-step.ts';
import { StorageState } from './login.ts';
import { RenderReason, RenderReport, TaskRender } from './render.ts';
import { AmbiguousField, DroppedItems, FramedAction, PaginationUnfinished, VisibleDiffers } from './warnings.ts';

/** What the edge sends a fleet node: one browser visit, fenced by its lease token. */
export const Task = z.object({
  runId: z.string(),
  orgId: z.string(),
  taskId: z.string(),
  attempt: z.number().int().min(1),
  leaseToken: z.string(),
  url: z.string(),
  /** 0 for start URLs, +1 per pagination hop. */
  depth: z.number().int().min(0),
  /** A listing page, or a detail page whose one item is merged into a listing item by the coordinator. */
  kind: z.enum(['page', 'detail']).default('page'),
  /** The job uses a stored login: the node fetches it with its lease (signed), so no secret travels in the queue. */
  login: z.object({ id: z.string() }).optional(),
  /** The job uses upstream proxies: the node fetches them, with credentials, with its lease (like the login). */
  proxy: z.object({ rotate: z.enum(['per-task', 'sticky-per-site']) }).optional(),
  /**
   * The job keeps one session along its nextLink chain (ADR 0041): `state` says the previous page left a storage
   * state, which the node fetches with its lease (signed, like a login: no session in the queue). `resumeFrom` is
   * the last good page: a retry visits it again and follows its fresh next link instead of the spent URL.
   */
  session: z.object({ state: z.boolean(), resumeFrom: z.string().optional() }).optional(),
  spec: TaskSpec,
  /** Epoch ms by which the task must be done (its one deadline). */
  deadline: z.number().int(),
  /** Base URL of the edge the node reports to. */
  edgeUrl: z.string(),
  /** How often the node must renew its lease. */
  leaseMs: z.number().int().min(500),
  traceparent: z.string().optional(),
  /** The organization's domain policy; the fleet enforces it on every request (absent: any public host). */
  policy: EgressPolicy.optional(),
  /** How to render this page (the coordinator's choice for the job's `render` and the site's evidence, ADR 0049); absent: browser. */
  render: z.object({ mode: TaskRender, reason: RenderReason }).optional(),
  /**
   * A task handed ahead (ADR 0069): the node holds it while the page before it finishes and starts it then; its
   * deadline is the sooner of `deadline` and its real start plus `budgetMs`.
   */
  budgetMs: z.number().int().min(1).optional(),
});
export type Task = z.infer<typeof Task>;

export const Discovered = z.discriminatedUnion('kind', [
  z.object({ url: z.string(), kind: z.literal('page') }),
  /** The detail page of the result's item at index `item`. */
  z.object({ url: z.string(), kind: z.literal('detail'), item: z.number().int().min(0) }),
  /** A navigation level's link: a page of the next level (ADR 0040). */
  z.object({ url: z.string(), kind: z.literal('link') }),
]);
export type Discovered = z.infer<typeof Discovered>;

export const TaskTimings = z.object({
  waitForSlotMs: z.number().nonnegative().optional(),
  contextMs: z.number().nonnegative().optional(),
  navigateMs: z.number().nonnegative().optional(),
  waitMs: z.number().nonnegative().optional(),
  extractMs: z.number().nonnegative().optional(),
  totalMs: z.number().nonnegative(),
});
export type TaskTimings = z.infer<typeof TaskTimings>;

/** What a node returns for a task; applied idempotently by the coordinator. */
export const TaskResult = z.object({
  leaseToken: z.string(),
  attempt: z.number().int().min(1),
  nodeId: z.string(),
  outcome: z.enum(['succeeded', 'failed']),
  items: z.array(ItemData).max(100_000),
  discovered: z.array(Discovered).max(10_000),
  error: Failure.optional(),
  httpStatus: z.number().int().optional(),
  finalUrl: z.string().optional(),
  timings: TaskTimings,
  /** The site's robots.txt crawl-delay for Trawl, when it sets one: the coordinator spaces that site's pages by it. */
  crawlDelayMs: z.number().int().min(0).max(3_600_000).optional(),
  /** Artifacts the node stored at the edge for this attempt before posting the result. */
  artifacts: z.array(ArtifactRef).max(1000).optional(),
  /** The upstream proxy (POST /v1/proxies) that carried the page, when the job uses some. */
  proxyId: z.string().max(64).optional(),
  /** Requests the egress proxy refused during this attempt (capped; the first ones are kept). */
  blocked: z.array(BlockedRequest).max(500).optional(),
  /** Fields whose number, currency or date step left non-empty text null, with a count and an example each. */
  unparsed: z.array(UnparsedValues).max(200).optional(),
  /** Items left out because a required field came out empty, counted per field. */
  dropped: z.array(DroppedItems).max(200).optional(),
  /** Steps whose element was only inside an iframe they do not name (the run's ACTION_IN_FRAME warning). */
  framed: z.array(FramedAction).max(50).optional(),
  /** In-task pagination that ended with its control still usable (the run's PAGINATION_UNFINISHED warning). */
  paginationUnfinished: PaginationUnfinished.optional(),
  /** A detail page's fields whose selector matched several candidates (the run's DETAIL_AMBIGUOUS warning). */
  ambiguous: z.array(AmbiguousField).max(200).optional(),
  /** `text` fields whose DOM text differs from the visible text on this page's first items (VISIBLE_TEXT_DIFFERS). */
  visibleDiffers: z.array(VisibleDiffers).max(50).optional(),
  /**
   * The attempt's events not sent yet, delivered with the result in one call (they are recorded before it is
   * applied, as if posted to /events first).
   */
  events: z.array(RunEventInput).max(500).optional(),
  /** The context's storage state after the page, when the job keeps its session (sealed by the coordinator at once). */
  sessionState: StorageState.optional(),
  /** The node has room for one more task: the edge may hand the run's next one back in its answer (a NextTask). */
  acceptNext: z.boolean().optional(),
  /** How the page was rendered and why (ADR 0049); absent: browser. */
  render: RenderReport.optional(),
  /** The lease of the task this node holds ahead of this page, from the start's answer (ADR 0069); absent: none. */
  ahead: z.string().max(100).optional(),
  /** The node that ran a task it did not announce (a fast-path task, ADR 0058): the coordinator records the start now. */
  startedOn: z.string().min(1).max(100).optional(),
});
export type TaskResult = z.infer<typeof TaskResult>;

/**
 * A task handed back in the answer to a result, signed by the edge exactly like an offer to the node's task route
 * (same path, same headers), so a node trusts it on the same terms. Saves the queue round trip for the slot that
 * just freed.
 */
export const NextTask = z.object({ body: z.string(), headers: z.record(z.string(), z.string()) });
export type NextTask = z.infer<typeof NextTask>;

/** The edge's answer to a node's session call (ADR 0041): the state the chain's previous page left, if any. */
export const TaskKeptSession = z.object({ storageState: StorageState.nullable() });
export type TaskKeptSession = z.infer<typeof TaskKeptSession>;

export const LeaseRequest = z.object({ leaseToken: z.string(), nodeId: z.string() });
/**
 * A browser task's start (ADR 0069). `ahead`: the node would hold the run's next browser task while this page runs
 * and start it the moment this one is done; the answer may carry it (`next`, signed like an offer).
 */
export const StartRequest = LeaseRequest.extend({ ahead: z.boolean().optional() });
export const ReleaseRequest = LeaseRequest.extend({ reason: z.string().max(500) });
