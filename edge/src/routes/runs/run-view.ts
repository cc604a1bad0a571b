import { Run, RunChanges, RunSuspect } from '@trawl/schemas';

/** A run with its change summary and, when the drift guard found a field broken, its suspect mark (ADR 0045). */
export const RunView = Run.extend({ changes: RunChanges.nullable(), suspect: RunSuspect.nullable().optional() });
