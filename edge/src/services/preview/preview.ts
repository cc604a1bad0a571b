import {
  PreviewRequest, PreviewResult, Task, detailTaskSpecOf, fleetPaths, issuesOf, newId, randomString, signRequest, taskSpecOf,
} from '@trawl/schemas';
import { configOf } from '../../env.ts';
import { ApiError, invalid } from '../../lib/errors.ts';
import type { ActorContext } from '../context.ts';
import { availableNodes } from '../fleet/nodes.ts';
import { askForRoom, type Asked } from '../fleet/ask-for-room.ts';
import { authorize } from '../permissions.ts';
import { policyOf } from '../policy/policy.ts';
import { checkTargets } from '../policy/targets.ts';
import { checkLoginRef } from '../logins/login-ref.ts';
import { checkPreviewJob, rememberPreview } from './baseline.ts';

/** The longest a preview may hold a request open, whatever the spec's task timeout says. */
const PREVIEW_MAX_MS = 45_000;

/**
 * Runs a spec on one page on a fleet node with room and answers with what it gave. The node runs it through the
 * same runner as a run's tasks (rules, engine, look-alike success checks, the organization's egress policy); the
 * call is signed like a task offer and synchronous: a preview is short and its caller is waiting.
 */
export async function previewSpec(ctx: ActorContext, body: unknown): Promise<PreviewResult> {
  authorize(ctx, 'jobs:write');
  const parsed = PreviewRequest.safeParse(body);
  if (!parsed.success) throw invalid('INVALID_SPEC', 'The preview request is not valid', issuesOf(parsed.error));
  const { spec, part, screenshot } = parsed.data;
  const url = parsed.data.url ?? spec.startUrls[0]!;
  const taskSpec = part === 'detail' ? detailTaskSpecOf(spec) : taskSpecOf(spec);
  if (!taskSpec) throw invalid('INVALID_SPEC', 'The spec has no detail part to preview', [{ path: 'spec.detail', message: 'required for part "detail"' }]);
  const policy = await policyOf(ctx, ctx.actor.orgId);
  checkTargets([{ path: parsed.data.url ? 'url' : 'spec.startUrls.0', url }], policy, configOf(ctx.env).allowPrivateTargets);
  await checkLoginRef(ctx, spec);
  await checkPreviewJob(ctx, parsed.data.jobId);

  const budget = Math.min(spec.limits.taskTimeoutMs, PREVIEW_MAX_MS);
  const task: Task = {
    runId: newId('run'), orgId: ctx.actor.orgId, taskId: newId('tsk'), attempt: 1, leaseToken: randomString(24), url, depth: 0,
    kind: part === 'detail' ? 'detail' : 'page', spec: taskSpec, deadline: Date.now() + budget, edgeUrl: ctx.baseUrl, leaseMs: 30_000, policy,
  };
  const payload = JSON.stringify({ task, screenshot });
  // Every live node is asked, the roomiest first; when all are busy the preview waits a little for a slot, as a person
  // who pressed "preview" would rather than read an error (ask-for-room.ts).
  const res = await askForRoom(() => availableNodes(ctx), (node) => askNode(ctx, node, payload, budget), PREVIEW_SLOT_WAIT_MS);
  if (res === 'bad') throw new ApiError('INTERNAL', 'The fleet node could not run the preview');
  if (res !== null) {
    await rememberPreview(ctx, parsed.data.jobId, part, res);
    return res;
  }
  throw new ApiError('FLEET_UNAVAILABLE', 'No fleet node has room for a preview now; try again shortly', undefined, { 'retry-after': '2' });
}

/** How long a preview waits for a node's slot when every node is busy. */
const PREVIEW_SLOT_WAIT_MS = 8000;

/** One node asked to run the preview: its answer, 'busy' (full or unreachable: ask the next) or 'bad'. */
async function askNode(ctx: ActorContext, node: { id: string; url: string }, payload: string, budget: number): Promise<Asked<PreviewResult>> {
  let res: Response;
  try {
    res = await fetch(new URL(fleetPaths.preview, node.url), {
      method: 'POST', body: payload, signal: AbortSignal.timeout(budget + 5000),
      headers: { 'content-type': 'application/json', ...(await signRequest(configOf(ctx.env).fleetSecret, 'POST', fleetPaths.preview, payload)) },
    });
  } catch (err) {
    ctx.log.warn('preview: node unreachable', { nodeId: node.id, err: String(err) });
    return 'busy';
  }
  if (res.status === 503) {
    await res.body?.cancel();
    return 'busy';
  }
  const answer = PreviewResult.safeParse(await res.json().catch(() => null));
  if (res.ok && answer.success) return answer.data;
  ctx.log.error('preview: a node answered badly', { nodeId: node.id, status: res.status });
  return 'bad';
}
