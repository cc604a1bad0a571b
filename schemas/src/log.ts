/**
 * The one logger of the edge and the fleet (issue #15 §6): one JSON line per call, `{ts, level, msg, ...fields}` with
 * `ts` in ISO-8601 (UTC), so one log pipeline parses both and joins them by runId / taskId / requestId.
 * The sink is injectable: console in workerd (the Worker's logs), stdout in Node (the fleet's supervisor reads it).
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;
export type LogSink = (line: string, level: LogLevel) => void;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose lines carry these fields too (a request's, a run's, a task's ids). */
  child(fields: LogFields): Logger;
}

/** Errors to stderr, the rest to stdout: what workerd's and Node's consoles both do. */
export const consoleSink: LogSink = (line, level) => {
  if (level === 'error') console.error(line);
  else console.log(line);
};

/** `now` is injectable so a test can state the exact line. */
export function createLogger(base: LogFields = {}, sink: LogSink = consoleSink, now: () => Date = () => new Date()): Logger {
  const write = (level: LogLevel) => (msg: string, fields?: LogFields) => {
    sink(JSON.stringify({ ts: now().toISOString(), level, msg, ...base, ...fields }), level);
  };
  return {
    debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'),
    child: (fields) => createLogger({ ...base, ...fields }, sink, now),
  };
}

const nothing = (): void => {};
/** For tests and tools that want no output. */
export const silentLogger: Logger = { debug: nothing, info: nothing, warn: nothing, error: nothing, child: () => silentLogger };
