/** The fleet logs with the shared logger (schemas/src/log.ts), to stdout: JSON lines joined with the edge's by runId / taskId. */
import { createLogger as sharedLogger, type LogFields, type Logger, type LogSink } from '@trawl/schemas/log';

export { silentLogger, type LogFields, type Logger, type LogLevel, type LogSink } from '@trawl/schemas/log';

const stdout: LogSink = (line) => { process.stdout.write(`${line}\n`); };

export function createLogger(base: LogFields, sink: LogSink = stdout): Logger {
  return sharedLogger(base, sink);
}

/** The message of an unknown thrown value, for logs (never sent to the edge as-is for 500s). */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
