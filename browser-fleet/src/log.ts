/** JSON-line logging with the ids every line needs to be joined with the edge's logs. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown> & { runId?: string; taskId?: string };

export interface Logger {
  log(level: LogLevel, msg: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

export type LogSink = (line: string) => void;

export function createLogger(base: LogFields, sink: LogSink = (l) => process.stdout.write(`${l}\n`)): Logger {
  return {
    log(level, msg, fields) {
      sink(JSON.stringify({ ts: new Date().toISOString(), level, msg, ...base, ...fields }));
    },
    child(fields) {
      return createLogger({ ...base, ...fields }, sink);
    },
  };
}

export const silentLogger: Logger = { log() {}, child: () => silentLogger };

/** The message of an unknown thrown value, for logs (never sent to the edge as-is for 500s). */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
