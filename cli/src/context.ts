/** What every command needs: the global flags, an SDK client from the stored login, and a job file read safely. */
import { readFileSync } from 'node:fs';
import { Trawl, type JobInput } from '@trawl/sdk';
import { loadConfig } from './config.ts';
import { UsageError } from './output.ts';

export interface GlobalFlags { json?: boolean; url?: string }

export function sdkFor(flags: GlobalFlags, onRetry?: (info: { status: number; delayMs: number }) => void): Trawl {
  const config = loadConfig(flags);
  return new Trawl({ baseUrl: config.baseUrl, apiKey: config.apiKey, ...(onRetry ? { retry: { onRetry } } : {}) });
}

/** A job file: `{ "name": …, "spec": { … } }` (the shape POST /v1/jobs takes). */
export function readJobFile(path: string): JobInput {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UsageError('FILE_UNREADABLE', `Cannot read ${path}: ${(e as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new UsageError('FILE_NOT_JSON', `${path} is not JSON: ${(e as Error).message}`);
  }
  const job = parsed as Partial<JobInput> | null;
  if (!job || typeof job !== 'object' || typeof job.name !== 'string' || !job.spec || typeof job.spec !== 'object') {
    throw new UsageError('FILE_NOT_A_JOB', `${path} must hold {"name": "...", "spec": {...}}`, 2, 'See "A complete job" in the README');
  }
  return job as JobInput;
}
