/**
 * `trawl mcp`: the MCP server over stdio (the stored or TRAWL_API_KEY key), or with `--http` over streamable HTTP
 * on 127.0.0.1. Over HTTP the server holds no key: each request brings its own `Authorization: Bearer` key and gets
 * a server scoped to it (stateless: one server and transport per request), so a local port lends nobody a key.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { Trawl } from '@trawl/sdk';
import { loadConfig } from '../config.ts';
import type { GlobalFlags } from '../context.ts';
import { createMcpServer } from './tools.ts';

const VERSION = '0.1.0';

export async function serveStdio(g: GlobalFlags): Promise<void> {
  const config = loadConfig(g);
  const server = createMcpServer(new Trawl({ baseUrl: config.baseUrl, apiKey: config.apiKey }), VERSION);
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => { transport.onclose = resolve; });
  await server.connect(transport);
  process.stdin.on('end', () => void server.close());
  await closed;
}

function deny(res: ServerResponse, status: number, message: string) {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message }, id: null }));
}

async function handle(req: IncomingMessage, res: ServerResponse, baseUrl: string) {
  if (new URL(req.url ?? '/', 'http://x').pathname !== '/mcp') return deny(res, 404, 'MCP is served at /mcp');
  const key = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (!key) return deny(res, 401, 'Send your Trawl API key as Authorization: Bearer <key>');
  if (req.method !== 'POST') return deny(res, 405, 'Stateless server: POST JSON-RPC messages to /mcp');
  const server = createMcpServer(new Trawl({ baseUrl, apiKey: key }), VERSION);
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
  res.on('close', () => { void transport.close(); void server.close(); });
  await server.connect(transport);
  await transport.handleRequest(req, res);
}

export async function serveHttp(g: GlobalFlags, host: string, port: number): Promise<void> {
  const baseUrl = g.url || process.env.TRAWL_API_URL || (() => { try { return loadConfig(g).baseUrl; } catch { return 'http://127.0.0.1:8787'; } })();
  const http = createServer((req, res) => {
    handle(req, res, baseUrl).catch((e: unknown) => { if (!res.headersSent) deny(res, 500, e instanceof Error ? e.message : String(e)); });
  });
  await new Promise<void>((resolve) => http.listen(port, host, resolve));
  const addr = http.address();
  const url = `http://${host}:${typeof addr === 'object' && addr ? addr.port : port}/mcp`;
  process.stdout.write(`${JSON.stringify({ mcp: url })}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => http.close(() => resolve());
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
