/**
 * `trawl mcp`: registers the command only; the MCP SDK and the server load when the command runs, so other commands
 * start without them.
 */
import type { Command } from 'commander';
import type { GlobalFlags } from '../context.ts';
import { EXIT } from '../output.ts';

export function registerMcp(program: Command, globals: () => GlobalFlags, done: (code: number) => void) {
  program.command('mcp').description('serve Trawl\'s tools to an MCP client (stdio, or --http)')
    .option('--http', 'streamable HTTP instead of stdio').option('--port <port>', 'HTTP port (0: any free one)', '0')
    .option('--host <host>', 'HTTP address to listen on', '127.0.0.1')
    .action(async (f: { http?: boolean; port: string; host: string }) => {
      const { serveHttp, serveStdio } = await import('./serve.ts');
      if (f.http) await serveHttp(globals(), f.host, Number(f.port));
      else await serveStdio(globals());
      done(EXIT.ok);
    });
}
