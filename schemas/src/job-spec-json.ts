import { z } from 'zod';
import { JobSpec } from './job-spec.ts';

/** The JobSpec as JSON Schema (the input side: defaults shown, nothing required that has one), for docs and editors. */
export function jobSpecJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(JobSpec, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
