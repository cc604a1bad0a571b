import type { RunEventInput, TaskTimings } from '@trawl/schemas';
import type { Step } from '../failure.ts';

/** What the runner lends the page work: its one deadline, its stop race, its step tracking and its event stream. */
export interface PageTools {
  /** Rejects as soon as the task is stopped (deadline, lease lost, shutdown). */
  race<T>(p: Promise<T>): Promise<T>;
  /** The time a step may take: its own cap, or what is left of the task's deadline. Throws TASK_TIMEOUT when none is. */
  budget(cap?: number): number;
  enter(step: Step): Promise<void>;
  emit(type: RunEventInput['type'], message: string, data: Record<string, unknown>, level?: RunEventInput['level']): void;
  lap(key: keyof Omit<TaskTimings, 'totalMs' | 'waitForSlotMs'>, since: number): number;
  /** True when the last budget() was cut short by the task deadline (a timeout then is TASK_TIMEOUT). */
  deadlineBound(): boolean;
}

/** Default timeout of a rule that names none. */
export const RULE_TIMEOUT_MS = 10_000;
