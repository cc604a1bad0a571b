import { messageOf, type Logger } from './log.ts';

/** Throws that reach the process in this window; past the limit the process exits and its supervisor restarts it. */
const WINDOW_MS = 60_000;
const LIMIT = 5;
/**
 * Playwright's own race (microsoft/playwright#22210): an event about an object of a context that just closed reaches
 * the client after the object was disposed, and its dispatch throws outside any call of ours. Nothing is lost (the
 * context is gone) and no source of ours can catch it, so it is logged but not counted towards the exit.
 */
const PLAYWRIGHT_DISPOSED = /^Object with guid \S+ was not bound in the connection$/;

/**
 * The last line behind the guarded handlers (page-guard.ts, egress/task-egress.ts): a throw or rejection that nothing
 * caught is logged with the tasks in flight (their run and task ids) instead of ending the process and every task on
 * it. A throw from an event listener unwinds only that emit, so the node's own state (slots, sessions) is intact and
 * it serves on; a node that keeps throwing is not trusted and exits, and supervisor.ts reports its tasks and restarts it.
 */
export function installLastLine(log: Logger, inFlight: () => Array<{ runId: string; taskId: string }>, exit: (code: number) => void): void {
  const recent: number[] = [];
  const report = (kind: string, e: unknown): void => {
    if (e instanceof Error && PLAYWRIGHT_DISPOSED.test(e.message) && e.stack?.includes('playwright-core')) {
      log.warn('a Playwright event for a closed context was dropped; the node serves on', { error: e.message, tasksInFlight: inFlight() });
      return;
    }
    const now = Date.now();
    recent.push(now);
    while (recent.length && (recent[0] ?? now) < now - WINDOW_MS) recent.shift();
    log.error(`${kind}; the node serves on`, {
      error: messageOf(e), stack: e instanceof Error ? e.stack?.split('\n').slice(0, 8).join('\n') : undefined, tasksInFlight: inFlight(),
    });
    if (recent.length > LIMIT) {
      log.error(`more than ${LIMIT} uncaught errors in a minute: exiting so the supervisor restarts the node`);
      exit(70);
    }
  };
  process.on('uncaughtException', (e) => report('uncaught exception', e));
  process.on('unhandledRejection', (e) => report('unhandled promise rejection', e));
}
