import type { Task } from '@trawl/schemas';
import { ConfigError, loadConfig, type FleetConfig } from './config.ts';
import { installLastLine } from './last-line.ts';
import { createLogger, messageOf } from './log.ts';
import { startFleetNode } from './server.ts';
import { taskMessage } from './task-messages.ts';

/** Process entry: validate config, start, print the line scripts wait for, drain on SIGTERM/SIGINT. */
let config: FleetConfig;
try {
  config = loadConfig(process.env);
} catch (e) {
  process.stderr.write(`${e instanceof ConfigError ? e.message : messageOf(e)}\n`);
  process.exit(2);
}
const log = createLogger({ nodeId: config.nodeId });
const held = new Map<string, Task>();
installLastLine(log, () => [...held.values()].map((t) => ({ runId: t.runId, taskId: t.taskId })), (code) => process.exit(code));
/** Under supervisor.ts: it learns of every task taken, to report them to the edge if this process dies. */
const onTask = (phase: 'started' | 'ended', task: Task): void => {
  const key = `${task.taskId}:${task.leaseToken}`;
  if (phase === 'started') held.set(key, task);
  else held.delete(key);
  if (process.send && process.connected) process.send(taskMessage(phase, task), (e: Error | null) => {
    if (e) log.warn('telling the supervisor of a task failed', { error: e.message, runId: task.runId, taskId: task.taskId });
  });
};
const node = await startFleetNode(config, { log, onTask }).catch((e: unknown) => {
  log.error('fleet node failed to start', { error: messageOf(e) });
  process.exit(1);
});
process.stdout.write(`FLEET READY ${node.url}\n`);

let stopping = false;
const shutdown = (signal: string): void => {
  // close() is bounded by FLEET_DRAIN_MS plus a short release wait; exiting earlier would orphan browsers.
  if (stopping) return log.info('already shutting down', { signal });
  stopping = true;
  log.info('shutting down', { signal });
  node.close().then(() => process.exit(0), (e: unknown) => {
    log.error('shutdown failed', { error: messageOf(e) });
    process.exit(1);
  });
};
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
// A supervised node whose supervisor is gone would no longer be restarted or reported: it drains and stops.
if (process.send) process.once('disconnect', () => shutdown('supervisor gone'));
