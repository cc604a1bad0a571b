/**
 * What every part of a RunCoordinator works on (issue #15 §6: the coordinator split by concern): the object's state
 * and storage, its per-run SQLite stores, and in-memory notes. The class builds one; the concern modules take it.
 */
import type { EgressPolicy, Failure, JobSpec, RunCounts, RunStatus, RunWarning, Task } from '@trawl/schemas';
import { configOf, type Env } from '../env.ts';
import { createLogger, type Logger } from '../lib/log.ts';
import { RunStore, type RunMeta } from './store.ts';
import { RenderLedger } from './render-ledger.ts';
import { FastLeases } from './render-lanes.ts';
import { AheadLeases } from './ahead.ts';
import { DetailStore } from './detail-store.ts';
import { GraphStore } from './graph-store.ts';
import { WarningStore } from './warning-store.ts';
import { SessionStore } from './session-store.ts';
import { LiveTaskStore } from './live-tasks.ts';
import { NodeLossStore } from './node-loss.ts';
import type { Politeness } from './politeness.ts';
import type { SiteState } from './site-backoff.ts';

export interface RunInit {
  runId: string;
  orgId: string;
  jobId: string;
  spec: JobSpec;
  createdAt: number;
  edgeUrl: string;
  /** The organization's egress policy when the run started; every task carries it to the fleet. */
  policy?: EgressPolicy;
  /** Concurrency and spacing limits when the run started (absent: none, as for runs started before they existed). */
  politeness?: Politeness;
}

export interface RunSnapshot {
  status: RunStatus;
  counts: RunCounts;
  startedAt: number | null;
  finishedAt: number | null;
  error: Failure | null;
  warnings: RunWarning[];
}

export type LeaseAnswer = { ok: true; leaseMs: number } | { ok: false; code: 'LEASE_LOST' | 'NOT_FOUND' };
/** A start's answer: the lease, and the run's next browser task when the node asked for one ahead (ADR 0069). */
export type StartAnswer = { ok: true; leaseMs: number; next?: Task } | { ok: false; code: 'LEASE_LOST' | 'NOT_FOUND' };
export type ResultAnswer = { ok: true; duplicate: boolean; next?: Task } | { ok: false; code: 'LEASE_LOST' | 'NOT_FOUND' };

export interface RunContext {
  readonly ctx: DurableObjectState;
  readonly env: Env;
  readonly store: RunStore;
  readonly details: DetailStore;
  readonly graph: GraphStore;
  readonly warningInputs: WarningStore;
  readonly render: RenderLedger;
  /** Lease tokens of tasks dispatched the fast way (their own budget, ADR 0058). */
  readonly fastLeases: FastLeases;
  /** Tasks handed ahead to a node with the start of the page they wait for (ADR 0069). */
  readonly ahead: AheadLeases;
  readonly sessions: SessionStore;
  readonly live: LiveTaskStore;
  readonly nodeLosses: NodeLossStore;
  readonly log: Logger;
  /** Tasks whose wait for a slot was already announced (once per task and reason, not on every retry). */
  readonly waitNoticed: Set<string>;
  /** Tasks sent back to pending for want of a slot, with the time they were told to wait until (in memory: after an eviction they simply wait it). */
  readonly waitingForSlot: Map<string, number>;
}

export function createRunContext(ctx: DurableObjectState, env: Env): RunContext {
  const sql = ctx.storage.sql;
  // The order the tables were always created in (store.ts migrates the tasks table the others write to).
  const store = new RunStore(sql);
  const details = new DetailStore(sql);
  const render = new RenderLedger(details);
  const fastLeases = new FastLeases(sql);
  const graph = new GraphStore(sql);
  const warningInputs = new WarningStore(sql);
  return {
    ctx, env, store, details, graph, warningInputs, render, fastLeases, ahead: new AheadLeases(sql), sessions: new SessionStore(sql), live: new LiveTaskStore(sql), nodeLosses: new NodeLossStore(sql),
    log: createLogger({ component: 'coordinator' }),
    waitNoticed: new Set(), waitingForSlot: new Map(),
  };
}

export function requireMeta(c: RunContext): RunMeta {
  const meta = c.store.getMeta();
  if (!meta) throw new Error('run not initialised');
  return meta;
}

export function leaseMs(c: RunContext): number {
  return configOf(c.env).leaseMs;
}

/** The meta with one site's backoff state set (or dropped once the site recovered). */
export function withSite(meta: RunMeta, site: string, state: SiteState | undefined): RunMeta {
  if (meta.sites?.[site] === state) return meta;
  const { [site]: _old, ...rest } = meta.sites ?? {};
  return { ...meta, sites: state ? { ...rest, [site]: state } : rest };
}
