/** The change feed and drift guard's shapes (ADR 0045): one line per changed item, and why a run is suspect. */
import { z } from 'zod';

export const CHANGE_KINDS = ['added', 'removed', 'changed'] as const;

/** One line of GET /v1/runs/{id}/changes: `before` is null for an added item, `after` for a removed one. */
export const ChangeLine = z.object({
  change: z.enum(CHANGE_KINDS),
  key: z.string(),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
  /** The fields whose values differ (for `changed`); every compared field for added and removed items. */
  fields: z.array(z.string()),
});
export type ChangeLine = z.infer<typeof ChangeLine>;

export const RunChanges = z.object({
  added: z.number().int(),
  changed: z.number().int(),
  removed: z.number().int(),
  /** The run compared against (the job's previous complete, successful run); absent on a job's first run. */
  baselineRunId: z.string().optional(),
  /** Set when pages failed and removals could not be told apart from pages not seen. */
  removalsWithheld: z.string().optional(),
});
export type RunChanges = z.infer<typeof RunChanges>;

export const DRIFT_CHECKS = ['fillRate', 'typeMix', 'distinct', 'numericRange'] as const;

/** One field that broke sharply against the job's recent good runs. */
export const DriftFinding = z.object({
  field: z.string(),
  selector: z.string().nullable(),
  check: z.enum(DRIFT_CHECKS),
  before: z.string(),
  now: z.string(),
  message: z.string(),
});
export type DriftFinding = z.infer<typeof DriftFinding>;

/** A run whose fields broke: its change notifications wait until someone accepts it (or the spec changes). */
export const RunSuspect = z.object({
  findings: z.array(DriftFinding),
  acceptedAt: z.number().int().nullable(),
  acceptedBy: z.string().nullable(),
});
export type RunSuspect = z.infer<typeof RunSuspect>;

/** What the drift guard keeps per field and run. */
export interface FieldStats {
  /** The field's spec as JSON: a run is compared only with runs that read the field the same way. */
  spec: string;
  selector: string | null;
  items: number;
  filled: number;
  /** Filled values by type: string, number, boolean, list, object. */
  types: Record<string, number>;
  /** Distinct filled values, counted up to DISTINCT_CAP. */
  distinct: number;
  min: number | null;
  max: number | null;
}
export type RunFieldStats = Record<string, FieldStats>;

export const ItemHistoryEntry = z.object({
  runId: z.string(),
  change: z.enum(CHANGE_KINDS),
  fields: z.array(z.string()),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
  createdAt: z.number().int(),
});
export type ItemHistoryEntry = z.infer<typeof ItemHistoryEntry>;
