/**
 * Exit codes, error printing and machine output, in one place so every command ends the same way.
 * 0 done; 1 the run ended without succeeding (failed, partial, cancelled); 2 bad input (file, spec, request);
 * 3 not logged in or not allowed; 4 the API could not be reached or failed (network, 5xx, still rate-limited).
 */
import { isTrawlError, type TrawlError } from '@trawl/sdk';

export const EXIT = { ok: 0, runFailed: 1, badInput: 2, auth: 3, unavailable: 4 } as const;

/** A problem found by the CLI itself (unreadable file, missing key), with its exit code. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(readonly code: string, message: string, readonly exitCode: number = EXIT.badInput, readonly hint?: string) {
    super(message);
  }
}

export function exitCodeOf(e: TrawlError): number {
  if (e.status === 401 || e.status === 403) return EXIT.auth;
  if (e.status === 0 || e.status === 429 || e.status >= 500) return EXIT.unavailable;
  return EXIT.badInput;
}

/** Prints an error the way the API phrased it (code, message, hint, each problem with its path); returns the exit code. */
export function reportError(e: unknown, json: boolean): number {
  if (isTrawlError(e) || e instanceof UsageError) {
    const issues = isTrawlError(e) ? e.issues : [];
    const code = isTrawlError(e) ? exitCodeOf(e) : e.exitCode;
    if (json) {
      process.stdout.write(`${JSON.stringify({ error: { code: e.code, message: e.message, hint: e.hint, issues, ...(isTrawlError(e) ? { status: e.status, requestId: e.requestId } : {}) } })}\n`);
    } else {
      process.stderr.write(`error ${e.code}: ${e.message}\n`);
      for (const i of issues) process.stderr.write(`  ${i.path}: ${i.message}\n`);
      if (e.hint) process.stderr.write(`hint: ${e.hint}\n`);
    }
    return code;
  }
  process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
  return EXIT.unavailable;
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
