/**
 * Serves the demo site until SIGTERM or SIGINT:
 *   node --import tsx demo/src/main.ts --port 8788 [--host 127.0.0.1]
 * Prints `DEMO READY <url>` once listening, so scripts can wait for that line.
 */
import { parseArgs } from 'node:util';
import { startDemoSite } from './server.ts';

function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be an integer from 0 to 65535, got "${value}"`);
  }
  return port;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, host: { type: 'string' } },
    strict: true,
  });
  const site = await startDemoSite({ port: parsePort(values.port), host: values.host ?? '127.0.0.1' });
  process.stdout.write(`DEMO READY ${site.url}\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    void site.close().then(() => {
      process.stderr.write(`demo site stopped (${signal})\n`);
      process.exit(0);
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`demo site failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
