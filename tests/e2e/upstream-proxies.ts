/** Local upstream proxies for the e2e tests, from maintained packages, each keeping its own log of what it carried. */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Server, Socket } from 'node:net';
import { createProxy } from 'proxy';
// @ts-expect-error: the package ships no types; the two calls used here are typed by SocksServer below.
import * as socksv5 from '@mongodb-js/socksv5';

export interface Credentials { username: string; password: string }

export interface UpstreamServer {
  url: string;
  hostPort: string;
  /** What the proxy was asked for: "GET http://host:port/path" or "CONNECT host:port". */
  log: string[];
  /** TCP connections the proxy accepted, whatever came of them. */
  connections: number;
  close(): Promise<void>;
}

const closeServer = (s: Server): Promise<void> => new Promise((r) => {
  s.close(() => r());
  (s as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
});

/** An HTTP proxy (TooTallNate's `proxy`), asking for Basic credentials when given some. */
export async function httpProxy(creds?: Credentials): Promise<UpstreamServer> {
  const server = createProxy(createServer());
  const self = { log: [] as string[], connections: 0 };
  server.on('connection', () => { self.connections++; });
  server.prependListener('request', (req: IncomingMessage) => { self.log.push(`${req.method} ${req.url}`); });
  server.prependListener('connect', (req: IncomingMessage) => { self.log.push(`CONNECT ${req.url}`); });
  if (creds) {
    const expected = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    server.authenticate = (req) => req.headers['proxy-authorization'] === expected;
  }
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(self, { url: `http://127.0.0.1:${port}`, hostPort: `127.0.0.1:${port}`, close: () => closeServer(server) });
}

interface SocksInfo { dstAddr: string; dstPort: number }
interface SocksServer {
  useAuth(auth: unknown): void;
  listen(port: number, host: string, cb: () => void): void;
  address(): AddressInfo | string | null;
  close(cb: () => void): void;
}
const socks = socksv5 as {
  createServer(onConnection: (info: SocksInfo, accept: () => void, deny: () => void) => void): SocksServer;
  auth: { UserPassword(check: (user: string, password: string, cb: (ok: boolean) => void) => void): unknown; None(): unknown };
};

/** A SOCKS5 proxy (@mongodb-js/socksv5) with username/password authentication. */
export async function socksProxy(creds: Credentials): Promise<UpstreamServer> {
  const self = { log: [] as string[], connections: 0 };
  const server = socks.createServer((info, accept) => {
    self.log.push(`CONNECT ${info.dstAddr}:${info.dstPort}`);
    accept();
  });
  // The package's own net.Server (not re-emitted): counts connections, and lets close() end the open ones.
  const raw = (server as unknown as { _srv: Server })._srv;
  const open = new Set<Socket>();
  raw.on('connection', (s: Socket) => {
    self.connections++;
    open.add(s);
    s.once('close', () => open.delete(s));
  });
  server.useAuth(socks.auth.UserPassword((user, password, cb) => cb(user === creds.username && password === creds.password)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return Object.assign(self, { url: `socks5://127.0.0.1:${port}`, hostPort: `127.0.0.1:${port}`, close: () => {
    for (const c of open) c.destroy();
    return new Promise<void>((r) => server.close(() => r()));
  } });
}
