/**
 * A TCP proxy in front of the edge that the test can cut: `dropWebSockets()` destroys every connection that asked
 * for a WebSocket upgrade (plain HTTP connections are left alone), as a network failure would, mid-stream.
 */
import { createConnection, createServer, type Socket } from 'node:net';

export interface DropProxy { url: string; dropWebSockets(): number; close(): Promise<void> }

export async function startDropProxy(target: string): Promise<DropProxy> {
  const { hostname, port } = new URL(target);
  const webSockets = new Set<Socket>();
  const all = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection({ host: hostname, port: Number(port) });
    all.add(client);
    // Every chunk is looked at: a client may send its upgrade on a kept-alive connection that carried plain requests.
    client.on('data', (chunk: Buffer) => {
      if (/\r\nupgrade:\s*websocket/i.test(chunk.toString('latin1'))) webSockets.add(client);
      upstream.write(chunk);
    });
    upstream.pipe(client);
    const end = () => { client.destroy(); upstream.destroy(); webSockets.delete(client); all.delete(client); };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${addr.port}`,
    dropWebSockets() {
      const n = webSockets.size;
      for (const s of webSockets) s.destroy();
      return n;
    },
    close: () => new Promise((resolve) => { for (const s of all) s.destroy(); server.close(() => resolve()); }),
  };
}
