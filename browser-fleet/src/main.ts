import { ConfigError, loadConfig, type FleetConfig } from './config.ts';
import { createLogger, messageOf } from './log.ts';
import { startFleetNode } from './server.ts';

/** Process entry: validate config, start, print the line scripts wait for, drain on SIGTERM/SIGINT. */
let config: FleetConfig;
try {
  config = loadConfig(process.env);
} catch (e) {
  process.stderr.write(`${e instanceof ConfigError ? e.message : messageOf(e)}\n`);
  process.exit(2);
}
const log = createLogger({ nodeId: config.nodeId });
const node = await startFleetNode(config, { log }).catch((e: unknown) => {
  log.log('error', 'fleet node failed to start', { error: messageOf(e) });
  process.exit(1);
});
process.stdout.write(`FLEET READY ${node.url}\n`);

let stopping = false;
const shutdown = (signal: string): void => {
  // close() is bounded by FLEET_DRAIN_MS plus a short release wait; exiting earlier would orphan browsers.
  if (stopping) return log.log('info', 'already shutting down', { signal });
  stopping = true;
  log.log('info', 'shutting down', { signal });
  node.close().then(() => process.exit(0), (e: unknown) => {
    log.log('error', 'shutdown failed', { error: messageOf(e) });
    process.exit(1);
  });
};
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
